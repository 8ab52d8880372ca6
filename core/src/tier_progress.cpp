#include "loyalty/tier_progress.hpp"

#include <algorithm>

namespace loyalty {

namespace {

// The least s >= 0 with round(s * earn / per_minor) >= needed.
std::optional<std::int64_t> spend_for_growth(const EarnRate& rate, std::int64_t needed) {
  if (needed <= 0) return 0;
  if (rate.earn == 0) return std::nullopt;
  switch (rate.rounding) {
    case Rounding::floor:  // s*earn >= needed*per
      return mul_div(needed, rate.per_minor, rate.earn, Rounding::ceil);
    case Rounding::ceil: {  // s*earn > (needed-1)*per
      auto below = mul_div(needed - 1, rate.per_minor, rate.earn, Rounding::floor);
      return below ? checked_add(*below, 1) : std::nullopt;
    }
    case Rounding::half_up:  // 2*s*earn >= (2*needed-1)*per
    case Rounding::half_even: {
      // With half_even a tie at needed-1/2 reaches `needed` only if it is even.
      const bool tie_reaches = rate.rounding == Rounding::half_up || needed % 2 == 0;
      auto twice_earn = checked_mul(rate.earn, 2);
      auto twice_needed = checked_mul(needed, 2);
      if (!twice_earn || !twice_needed) return std::nullopt;
      if (tie_reaches) return mul_div(*twice_needed - 1, rate.per_minor, *twice_earn, Rounding::ceil);
      auto below = mul_div(*twice_needed - 1, rate.per_minor, *twice_earn, Rounding::floor);
      return below ? checked_add(*below, 1) : std::nullopt;
    }
  }
  return std::nullopt;
}

}  // namespace

std::size_t qualified_tier(const Program& program, std::int64_t growth) {
  std::size_t tier = 0;
  for (std::size_t i = 0; i < program.tiers.size(); ++i) {
    if (growth >= program.tiers[i].threshold) tier = i;
  }
  return tier;
}

std::size_t held_tier(const Program& program, const MemberState& state) {
  const std::size_t earned = qualified_tier(program, state.growth);
  return state.tier ? std::max(*state.tier, earned) : earned;
}

Result<TierProgress> tier_progress(const Program& program, const MemberState& state) {
  TierProgress p;
  p.tier = held_tier(program, state);
  p.growth = state.growth;
  if (p.tier + 1 >= program.tiers.size()) {
    p.permille = 1000;
    if (program.growth) p.spend_needed = 0;
    return p;
  }
  const Tier& current = program.tiers[p.tier];
  const Tier& next = program.tiers[p.tier + 1];
  p.next_tier = p.tier + 1;
  p.growth_needed = std::max<std::int64_t>(0, next.threshold - state.growth);
  const std::int64_t span = next.threshold - current.threshold;
  const std::int64_t done = std::clamp<std::int64_t>(state.growth - current.threshold, 0, span);
  p.permille = static_cast<std::int32_t>(*mul_div(done, 1000, span, Rounding::floor));
  if (program.growth) p.spend_needed = spend_for_growth(*program.growth, p.growth_needed);
  return p;
}

}  // namespace loyalty
