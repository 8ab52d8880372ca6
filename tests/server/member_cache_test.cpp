// The held member states: a state is used only at the version the store
// has, a newer one is never replaced by an older, and the member seen
// longest ago leaves first.
#include <gtest/gtest.h>

#include "member_cache.hpp"

namespace loyalty::server {
namespace {

MemberState at_version(const std::string& id, std::int64_t version) {
  MemberState state;
  state.member_id = id;
  state.version = version;
  return state;
}

TEST(MemberCache, GivesAStateOnlyAtTheStoredVersionAndOnlyOnce) {
  MemberCache cache(4, 1 << 20);
  cache.put("a", at_version("a", 3), 100);
  EXPECT_FALSE(cache.take("a", 4).has_value()) << "another server moved the member on: the held copy is stale";
  EXPECT_FALSE(cache.take("a", 3).has_value()) << "a stale copy is dropped, not kept";
  cache.put("a", at_version("a", 4), 100);
  auto taken = cache.take("a", 4);
  ASSERT_TRUE(taken.has_value());
  EXPECT_EQ(taken->state.version, 4);
  EXPECT_EQ(taken->bytes, 100u);
  EXPECT_FALSE(cache.take("a", 4).has_value()) << "taken out while its transaction runs";
}

TEST(MemberCache, KeepsTheNewerOfTwoCommittedStates) {
  MemberCache cache(4, 1 << 20);
  cache.put("a", at_version("a", 6), 100);
  cache.put("a", at_version("a", 5), 100);  // an earlier transaction of the same group finishing later
  EXPECT_TRUE(cache.take("a", 6).has_value());
}

TEST(MemberCache, TheMemberSeenLongestAgoLeavesFirst) {
  MemberCache cache(2, 1 << 20);
  cache.put("a", at_version("a", 1), 100);
  cache.put("b", at_version("b", 1), 100);
  cache.put("a", at_version("a", 2), 100);  // a seen again
  cache.put("c", at_version("c", 1), 100);
  EXPECT_EQ(cache.size(), 2u);
  EXPECT_FALSE(cache.take("b", 1).has_value());
  EXPECT_TRUE(cache.take("a", 2).has_value());
  EXPECT_TRUE(cache.take("c", 1).has_value());
}

TEST(MemberCache, StaysWithinItsMemoryBudget) {
  MemberCache cache(100, 1000);
  for (int i = 0; i < 10; ++i) cache.put("m" + std::to_string(i), at_version("m", 1), 300);
  EXPECT_EQ(cache.size(), 3u);
  EXPECT_LE(cache.bytes(), 1000u);
  EXPECT_TRUE(cache.take("m9", 1).has_value()) << "the members seen last stay";
  cache.put("big", at_version("big", 1), 2000);
  EXPECT_FALSE(cache.take("big", 1).has_value()) << "a state over the whole budget is not held";
}

TEST(MemberCache, HoldsNothingWithNoRoom) {
  MemberCache cache(0, 1 << 20);
  cache.put("a", at_version("a", 1), 100);
  EXPECT_FALSE(cache.take("a", 1).has_value());
}

}  // namespace
}  // namespace loyalty::server
