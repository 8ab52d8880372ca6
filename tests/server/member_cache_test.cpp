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
  MemberCache cache(4);
  cache.put("a", at_version("a", 3));
  EXPECT_FALSE(cache.take("a", 4).has_value()) << "another server moved the member on: the held copy is stale";
  EXPECT_FALSE(cache.take("a", 3).has_value()) << "a stale copy is dropped, not kept";
  cache.put("a", at_version("a", 4));
  auto taken = cache.take("a", 4);
  ASSERT_TRUE(taken.has_value());
  EXPECT_EQ(taken->version, 4);
  EXPECT_FALSE(cache.take("a", 4).has_value()) << "taken out while its transaction runs";
}

TEST(MemberCache, KeepsTheNewerOfTwoCommittedStates) {
  MemberCache cache(4);
  cache.put("a", at_version("a", 6));
  cache.put("a", at_version("a", 5));  // an earlier transaction of the same group finishing later
  EXPECT_TRUE(cache.take("a", 6).has_value());
}

TEST(MemberCache, TheMemberSeenLongestAgoLeavesFirst) {
  MemberCache cache(2);
  cache.put("a", at_version("a", 1));
  cache.put("b", at_version("b", 1));
  cache.put("a", at_version("a", 2));  // a seen again
  cache.put("c", at_version("c", 1));
  EXPECT_EQ(cache.size(), 2u);
  EXPECT_FALSE(cache.take("b", 1).has_value());
  EXPECT_TRUE(cache.take("a", 2).has_value());
  EXPECT_TRUE(cache.take("c", 1).has_value());
}

TEST(MemberCache, HoldsNothingWithNoRoom) {
  MemberCache cache(0);
  cache.put("a", at_version("a", 1));
  EXPECT_FALSE(cache.take("a", 1).has_value());
}

}  // namespace
}  // namespace loyalty::server
