#include <gtest/gtest.h>

#include "rate_limiter.hpp"

namespace loyalty::server {
namespace {

TEST(RateLimiter, AllowsABurstThenSaysHowLongToWait) {
  LocalRateLimiter limiter(3);  // 3 a minute: one every 20 s
  EXPECT_EQ(limiter.take("member:a", 0), 0);
  EXPECT_EQ(limiter.take("member:a", 0), 0);
  EXPECT_EQ(limiter.take("member:a", 0), 0);
  EXPECT_EQ(limiter.take("member:a", 0), 20);
  EXPECT_EQ(limiter.take("member:b", 0), 0);  // keys are counted apart
  EXPECT_EQ(limiter.take("member:a", 15000), 5);
  EXPECT_EQ(limiter.take("member:a", 20000), 0);
}

TEST(RateLimiter, ZeroMeansUnlimited) {
  LocalRateLimiter limiter(0);
  for (int i = 0; i < 1000; ++i) ASSERT_EQ(limiter.take("ip:x", 0), 0);
}

}  // namespace
}  // namespace loyalty::server
