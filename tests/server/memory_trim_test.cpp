// The server's memory trim runs beside requests for as long as the server
// does, and must never hold up its stopping by a period.
#include <chrono>

#include <gtest/gtest.h>

#include "memory_trim.hpp"

namespace loyalty::server {
namespace {

TEST(MemoryTrim, StopsAtOnceRatherThanAtTheEndOfItsPeriod) {
  const auto start = std::chrono::steady_clock::now();
  { const MemoryTrim trim(std::chrono::hours(1)); }
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(30));
}

TEST(MemoryTrim, ReturnsFreedMemoryOnGlibc) {
#if defined(__GLIBC__)
  EXPECT_TRUE(MemoryTrim::trim_now());
#else
  EXPECT_FALSE(MemoryTrim::trim_now());
#endif
}

}  // namespace
}  // namespace loyalty::server
