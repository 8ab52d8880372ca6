// A state's lots are shared by its copies until one changes them: a change
// to a copy never shows in the original, and the earliest due time follows
// every change.
#include <gtest/gtest.h>

#include "loyalty/member_state.hpp"

namespace loyalty {
namespace {

Lot lot(const std::string& id, std::optional<TimeMs> expires_at, std::optional<TimeMs> vests_at = std::nullopt) {
  return Lot{id, 0, 10, expires_at, vests_at, ""};
}

TEST(Lots, AChangeToACopyLeavesTheOriginalAsItWas) {
  MemberState original;
  original.lots.push_back(lot("a", 500));
  MemberState copy = original;
  EXPECT_EQ(&original.lots[0], &copy.lots[0]) << "copies share their lots until one changes them";
  copy.lots.edit()[0].points = 3;
  copy.lots.push_back(lot("b", 100));
  EXPECT_EQ(original.lots.size(), 1u);
  EXPECT_EQ(original.lots[0].points, 10);
  EXPECT_EQ(copy.lots[0].points, 3);
  EXPECT_EQ(original.lots.next_due(), 500);
  EXPECT_EQ(copy.lots.next_due(), 100);
}

TEST(Lots, NextDueIsTheEarliestVestingOrExpiryAndFollowsEachChange) {
  Lots lots;
  EXPECT_EQ(lots.next_due(), std::nullopt);
  lots.push_back(lot("never", std::nullopt));
  EXPECT_EQ(lots.next_due(), std::nullopt);
  lots.push_back(lot("pending", 900, 300));
  EXPECT_EQ(lots.next_due(), 300);
  lots.edit()[1].vests_at.reset();
  EXPECT_EQ(lots.next_due(), 900);
  lots.edit().pop_back();
  EXPECT_EQ(lots.next_due(), std::nullopt);
}

}  // namespace
}  // namespace loyalty
