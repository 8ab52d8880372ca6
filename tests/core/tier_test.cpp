#include "loyalty/tier.hpp"

#include <gtest/gtest.h>

#include "loyalty/json_codec.hpp"

namespace loyalty {
namespace {

Tier tier(const char* id, std::optional<std::int64_t> growth) {
  Tier t;
  t.id = id;
  t.qualify[Metric::growth] = growth;
  t.retain = t.qualify;
  return t;
}

Program ladder(Rounding growth_rounding, std::int64_t earn, std::int64_t per_minor) {
  Program p;
  p.tiers = {tier("member", std::nullopt), tier("silver", 500), tier("gold", 2000)};
  p.growth = EarnRate{earn, per_minor, growth_rounding};
  return p;
}

constexpr TimeMs kAt = 1795276800000;

TEST(TierProgress, SpendNeededIsTheLeastSpendWhoseGrowthClosesTheGap) {
  // Checked against a brute-force search for every rounding and several rates.
  for (Rounding r : {Rounding::floor, Rounding::ceil, Rounding::half_up, Rounding::half_even}) {
    for (auto [earn, per] : {std::pair{1, 100}, {3, 700}, {7, 3}, {2, 5}, {5, 2}}) {
      const Program p = ladder(r, earn, per);
      for (std::int64_t growth = 0; growth < 500; growth += 7) {
        MemberState s;
        s.growth = growth;
        auto progress = tier_progress(p, s, kAt);
        ASSERT_TRUE(progress.ok());
        const std::int64_t spend = *progress.value().spend_needed;
        const std::int64_t needed = 500 - growth;
        auto earned = [&](std::int64_t amount) { return *mul_div(amount, earn, per, r); };
        EXPECT_GE(earned(spend), needed) << rounding_name(r) << " " << earn << "/" << per;
        if (spend > 0) {
          EXPECT_LT(earned(spend - 1), needed) << rounding_name(r) << " " << earn << "/" << per;
        }
      }
    }
  }
}

TEST(TierProgress, AStoredTierAboveTheGrowthIsKeptUntilEvaluation) {
  const Program p = ladder(Rounding::floor, 1, 100);
  MemberState s;
  s.growth = 100;
  s.tier = 2;
  auto progress = tier_progress(p, s, kAt).value();
  EXPECT_EQ(progress.tier, 2u);
  EXPECT_FALSE(progress.next_tier.has_value());
  EXPECT_FALSE(progress.drop_to.has_value());  // no evaluation in this programme
}

TEST(TierProgress, GrowthAboveAStoredTierUpgradesAtOnce) {
  const Program p = ladder(Rounding::floor, 1, 100);
  MemberState s;
  s.tier = 0;
  const TierStanding before = tier_standing(p, s, kAt);
  s.growth = 2500;
  EXPECT_EQ(held_tier(p, s, kAt), 2u);
  EXPECT_EQ(upgrade_if_qualified(p, s, kAt, before), std::optional<std::size_t>(0));
  EXPECT_EQ(s.tier, std::optional<std::size_t>(2));
}

TEST(TierProgress, AnEventThatLeavesTheTotalsKeepsTheTierTheyQualifiedFor) {
  const Program p = ladder(Rounding::floor, 1, 100);
  MemberState s;
  s.growth = 2500;
  s.tier = 0;
  const TierStanding before = tier_standing(p, s, kAt);
  EXPECT_EQ(before.qualified, 2u);
  EXPECT_EQ(before.held, 2u);
  // The stored tier was behind the totals: it catches up, and no upgrade is
  // told (the member held tier 2 before the event too).
  EXPECT_EQ(upgrade_if_qualified(p, s, kAt, before), std::nullopt);
  EXPECT_EQ(s.tier, std::optional<std::size_t>(2));
}

}  // namespace
}  // namespace loyalty
