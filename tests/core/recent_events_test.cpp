// A state remembers the ids of its last 64 events, oldest first, so that a
// client's retry is a no-op; older ids are forgotten in the order they came.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "loyalty/recent_events.hpp"

namespace loyalty {
namespace {

TEST(RecentEvents, RemembersTheLast64IdsOldestFirst) {
  RecentEvents recent;
  EXPECT_FALSE(recent.contains("e0"));
  for (int i = 0; i < 100; ++i) recent.push_back("e" + std::to_string(i));
  EXPECT_EQ(recent.size(), kRecentEvents);
  EXPECT_FALSE(recent.contains("e35")) << "the oldest are forgotten";
  EXPECT_TRUE(recent.contains("e36"));
  EXPECT_TRUE(recent.contains("e99"));
  EXPECT_FALSE(recent.contains("e100"));
  EXPECT_FALSE(recent.contains("e9")) << "a prefix of a held id is not held";
  std::vector<std::string> ids(recent.begin(), recent.end());
  ASSERT_EQ(ids.size(), kRecentEvents);
  EXPECT_EQ(ids.front(), "e36");
  EXPECT_EQ(ids.back(), "e99");
  EXPECT_EQ(recent.back(), "e99");
}

TEST(RecentEvents, AnIdTakesTheBufferOfTheOneItReplacesWhateverTheirLengths) {
  RecentEvents recent;
  for (std::size_t i = 0; i < kRecentEvents; ++i) recent.push_back("short" + std::to_string(i));
  const std::string long_id(120, 'x');
  recent.push_back(long_id);
  recent.push_back("");
  EXPECT_TRUE(recent.contains(long_id));
  EXPECT_TRUE(recent.contains(""));
  EXPECT_FALSE(recent.contains("short0"));
  EXPECT_FALSE(recent.contains("short1"));
  EXPECT_TRUE(recent.contains("short2"));
  EXPECT_EQ(*recent.begin(), "short2");
}

}  // namespace
}  // namespace loyalty
