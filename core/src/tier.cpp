#include "loyalty/tier.hpp"

#include <algorithm>

namespace loyalty {

namespace {

// The anniversary of joining on or before `day` (29 Feb falls on 1 Mar in common years).
std::int64_t anniversary_on_or_before(const Program& program, const MemberState& state, std::int64_t day) {
  const LocalDate joined = local_date(state.joined_at, program.utc_offset_minutes);
  const LocalDate today = date_from_day_number(day);
  std::int64_t candidate = day_number_from_date({today.year, joined.month, joined.day});
  if (candidate > day) candidate = day_number_from_date({today.year - 1, joined.month, joined.day});
  return std::max(candidate, local_day_number(state.joined_at, program.utc_offset_minutes));
}

std::int64_t window_first_day(const Program& program, const MemberState& state, std::int64_t last_day) {
  switch (program.qualification.window) {
    case WindowKind::rolling_days: return last_day - program.qualification.window_days + 1;
    case WindowKind::calendar_year: return day_number_from_date({date_from_day_number(last_day).year, 1, 1});
    case WindowKind::anniversary_year: return anniversary_on_or_before(program, state, last_day);
    case WindowKind::lifetime: break;
  }
  return 0;
}

std::int64_t requirement_value(const Requirement& r, Metric m) { return r[m].value_or(0); }

// The next tier above `tier` that metrics can reach.
std::optional<std::size_t> next_metric_tier(const Program& program, std::size_t tier) {
  for (std::size_t i = tier + 1; i < program.tiers.size(); ++i) {
    if (!program.tiers[i].paid_only) return i;
  }
  return std::nullopt;
}

std::vector<MetricNeed> needs_for(const Requirement& r, const MetricTotals& totals) {
  std::vector<MetricNeed> needs;
  for (Metric m : kMetrics) {
    if (!r[m]) continue;
    needs.push_back({m, totals[m], *r[m], std::max<std::int64_t>(0, *r[m] - totals[m])});
  }
  return needs;
}

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

// What one order must pay to close a metric's gap; nullopt if one order cannot.
std::optional<std::int64_t> spend_for(const Program& program, const MetricNeed& need) {
  if (need.missing == 0) return 0;
  switch (need.metric) {
    case Metric::spend: return need.missing;
    case Metric::growth: return program.growth ? spend_for_growth(*program.growth, need.missing) : std::nullopt;
    case Metric::orders: return need.missing == 1 ? std::optional<std::int64_t>(0) : std::nullopt;
  }
  return std::nullopt;
}

}  // namespace

MetricTotals window_totals(const Program& program, const MemberState& state, std::int64_t last_day) {
  MetricTotals totals;
  if (program.qualification.window == WindowKind::lifetime) {
    totals[Metric::growth] = state.growth;
    totals[Metric::spend] = state.lifetime_spend;
    totals[Metric::orders] = state.lifetime_orders;
    return totals;
  }
  const ActivityDay sums = state.activity.between(window_first_day(program, state, last_day), last_day);
  totals[Metric::growth] = sums.growth;
  totals[Metric::spend] = sums.spend;
  totals[Metric::orders] = sums.orders;
  return totals;
}

bool meets(const Program& program, const Requirement& requirement, const MetricTotals& totals) {
  if (requirement.empty()) return true;
  bool any = false;
  bool all = true;
  for (Metric m : kMetrics) {
    if (!requirement[m]) continue;
    const bool met = totals[m] >= *requirement[m];
    any = any || met;
    all = all && met;
  }
  return program.qualification.all ? all : any;
}

std::size_t qualified_tier(const Program& program, const MetricTotals& totals) {
  std::size_t tier = 0;
  for (std::size_t i = 1; i < program.tiers.size(); ++i) {
    if (!program.tiers[i].paid_only && meets(program, program.tiers[i].qualify, totals)) tier = i;
  }
  return tier;
}

MetricTotals totals_at(const Program& program, const MemberState& state, TimeMs at) {
  return window_totals(program, state, local_day_number(at, program.utc_offset_minutes));
}

std::size_t held_tier(const Program& program, const MemberState& state, const MetricTotals& totals) {
  const std::size_t qualified = qualified_tier(program, totals);
  return state.tier ? std::max(*state.tier, qualified) : qualified;
}

std::size_t held_tier(const Program& program, const MemberState& state, TimeMs at) {
  return held_tier(program, state, totals_at(program, state, at));
}

std::size_t effective_tier(const Program& program, const MemberState& state, TimeMs at, const MetricTotals& totals) {
  const std::size_t held = held_tier(program, state, totals);
  if (state.paid && state.paid->expires_at > at) return std::max(held, state.paid->tier);
  return held;
}

std::size_t effective_tier(const Program& program, const MemberState& state, TimeMs at) {
  return effective_tier(program, state, at, totals_at(program, state, at));
}

std::size_t downgrade_target(const Program& program, std::size_t held, const MetricTotals& totals) {
  if (program.qualification.downgrade == Downgrade::one_tier) {
    for (std::size_t i = held; i-- > 0;) {
      if (!program.tiers[i].paid_only) return i;
    }
    return 0;
  }
  for (std::size_t i = held; i-- > 1;) {
    if (!program.tiers[i].paid_only && meets(program, program.tiers[i].retain, totals)) return i;
  }
  return 0;
}

std::optional<std::int64_t> next_evaluation_day(const Program& program, const MemberState& state,
                                                std::int64_t after_day) {
  switch (program.qualification.evaluation) {
    case Evaluation::none: return std::nullopt;
    case Evaluation::rolling_daily: return after_day + 1;
    case Evaluation::calendar_year_end:
      return day_number_from_date({date_from_day_number(after_day).year + 1, 1, 1});
    case Evaluation::anniversary: {
      const LocalDate joined = local_date(state.joined_at, program.utc_offset_minutes);
      const std::int32_t year = date_from_day_number(after_day).year;
      for (std::int32_t y = year; y <= year + 1; ++y) {
        const std::int64_t day = day_number_from_date({y, joined.month, joined.day});
        if (day > after_day && y > joined.year) return day;
      }
      return day_number_from_date({year + 2, joined.month, joined.day});
    }
  }
  return std::nullopt;
}

void add_activity(const Program& program, MemberState& state, std::int64_t day, std::int64_t growth,
                  std::int64_t spend, std::int64_t orders) {
  state.growth = std::max<std::int64_t>(0, state.growth + growth);
  state.lifetime_spend = std::max<std::int64_t>(0, state.lifetime_spend + spend);
  state.lifetime_orders = std::max<std::int64_t>(0, state.lifetime_orders + orders);
  // Totals suffice for a lifetime window, unless segments count a window of days.
  if (program.qualification.window == WindowKind::lifetime && !program.segment_windows) return;
  state.activity.add(day, growth, spend, orders);
}

TierStanding tier_standing(const Program& program, const MemberState& state, TimeMs at) {
  TierStanding standing;
  standing.totals = totals_at(program, state, at);
  standing.qualified = qualified_tier(program, standing.totals);
  standing.held = state.tier ? std::max(*state.tier, standing.qualified) : standing.qualified;
  return standing;
}

std::optional<std::size_t> upgrade_if_qualified(const Program& program, MemberState& state, TimeMs at,
                                                const TierStanding& before) {
  // Most events (check-ins, likes, time passing) leave the window's totals as
  // they were: the tier they qualify for is then known.
  const MetricTotals totals = totals_at(program, state, at);
  const std::size_t qualified = totals == before.totals ? before.qualified : qualified_tier(program, totals);
  const std::size_t held_before = before.held;
  if (qualified >= held_before && state.downgrade) state.downgrade.reset();
  state.tier = std::max(held_before, qualified);
  if (qualified <= held_before) return std::nullopt;
  state.tier_since = at;
  return held_before;
}

Result<TierProgress> tier_progress(const Program& program, const MemberState& state, TimeMs at) {
  return tier_progress(program, state, at, totals_at(program, state, at));
}

TierProgress progress_after_order(const Program& program, const MemberState& state, TimeMs at,
                                  const MetricTotals& totals, std::int64_t growth, std::int64_t paid) {
  // Only the tier fields: the order's day is inside the window that ends on
  // it, so the window's totals simply gain the order.
  MemberState after;
  after.joined_at = state.joined_at;
  after.tier = state.tier;
  after.tier_since = state.tier_since;
  after.downgrade = state.downgrade;
  after.paid = state.paid;
  MetricTotals with_order = totals;
  with_order[Metric::growth] += growth;
  with_order[Metric::spend] += paid;
  with_order[Metric::orders] += 1;
  const std::size_t held_before = held_tier(program, state, totals);
  const std::size_t qualified = qualified_tier(program, with_order);
  if (qualified >= held_before && after.downgrade) after.downgrade.reset();
  after.tier = std::max(held_before, qualified);
  return tier_progress(program, after, at, with_order);
}

TierProgress tier_progress(const Program& program, const MemberState& state, TimeMs at, const MetricTotals& totals) {
  TierProgress p;
  const std::int64_t today = local_day_number(at, program.utc_offset_minutes);
  p.held_tier = held_tier(program, state, totals);
  p.tier = effective_tier(program, state, at, totals);
  if (state.paid && state.paid->expires_at > at) p.paid = state.paid;
  p.downgrade = state.downgrade;

  p.next_tier = next_metric_tier(program, p.held_tier);
  if (p.next_tier) {
    const Requirement& next = program.tiers[*p.next_tier].qualify;
    const Requirement& current = program.tiers[p.held_tier].qualify;
    p.needs = needs_for(next, totals);
    std::optional<std::int32_t> best;
    std::optional<std::int64_t> spend;
    bool every_metric_reachable = true;
    for (const MetricNeed& n : p.needs) {
      const std::int64_t from = std::min(requirement_value(current, n.metric), n.need);
      const std::int64_t span = n.need - from;
      const std::int64_t done = std::clamp<std::int64_t>(n.have - from, 0, span);
      const auto permille = static_cast<std::int32_t>(span == 0 ? 1000 : *mul_div(done, 1000, span, Rounding::floor));
      const auto s = spend_for(program, n);
      if (program.qualification.all) {
        best = best ? std::min(*best, permille) : permille;
        every_metric_reachable = every_metric_reachable && s.has_value();
        if (s) spend = spend ? std::max(*spend, *s) : *s;
      } else {
        best = best ? std::max(*best, permille) : permille;
        if (s) spend = spend ? std::min(*spend, *s) : *s;
      }
    }
    p.permille = best.value_or(0);
    if (every_metric_reachable) p.spend_needed = spend;
  } else {
    p.permille = 1000;
  }

  if (p.held_tier > 0) {
    p.retain_needs = needs_for(program.tiers[p.held_tier].retain, totals);
    p.evaluation_day = next_evaluation_day(program, state, today);
    if (p.evaluation_day && !meets(program, program.tiers[p.held_tier].retain, totals)) {
      p.drop_to = downgrade_target(program, p.held_tier, totals);
    }
  }
  return p;
}

}  // namespace loyalty
