// Tiers: what a member qualifies for, when they move up or down, and how far
// the next tier is ("¥380.00 or 2 more orders to Gold").
//
// Qualification counts growth, spend and orders over the programme's window
// (lifetime, the last N days, the calendar year, the membership year). A
// member moves up as soon as a tier's `qualify` is met; moves down only at an
// evaluation (daily, at each calendar year's end, or on each anniversary of
// joining), when the tier's `retain` was not met over the window that just
// ended, by one tier or to what `retain` still holds; after a grace period
// when one is set, unless the tier is held again by then.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <vector>

#include "loyalty/error.hpp"
#include "loyalty/member_state.hpp"
#include "loyalty/program.hpp"

namespace loyalty {

struct MetricTotals {
  std::array<std::int64_t, 3> by_metric{};  // indexed by Metric
  std::int64_t operator[](Metric m) const { return by_metric[static_cast<std::size_t>(m)]; }
  std::int64_t& operator[](Metric m) { return by_metric[static_cast<std::size_t>(m)]; }
  bool operator==(const MetricTotals& o) const { return by_metric == o.by_metric; }
};

// The metrics over the window that ends with local day `last_day`.
MetricTotals window_totals(const Program& program, const MemberState& state, std::int64_t last_day);

// The same for the local day of `at`.
MetricTotals totals_at(const Program& program, const MemberState& state, TimeMs at);

bool meets(const Program& program, const Requirement& requirement, const MetricTotals& totals);

// The highest tier that metrics reach (paid-only tiers never).
std::size_t qualified_tier(const Program& program, const MetricTotals& totals);

// The tier held through metrics: the stored one, or what metrics give now if higher.
std::size_t held_tier(const Program& program, const MemberState& state, TimeMs at);
// The same from totals_at(program, state, at), for callers that hold them.
std::size_t held_tier(const Program& program, const MemberState& state, const MetricTotals& totals);

// The tier whose benefits apply at `at`: the held one or a paid one, whichever is higher.
std::size_t effective_tier(const Program& program, const MemberState& state, TimeMs at);
std::size_t effective_tier(const Program& program, const MemberState& state, TimeMs at, const MetricTotals& totals);

// Where a downgrade from `held` lands when `totals` fell short of its retain.
std::size_t downgrade_target(const Program& program, std::size_t held, const MetricTotals& totals);

// The first evaluation day after `after_day` (evaluations happen as the day begins).
std::optional<std::int64_t> next_evaluation_day(const Program& program, const MemberState& state,
                                                std::int64_t after_day);

// Adds what an order (or its refund, negated) did to the metrics of `day`.
void add_activity(const Program& program, MemberState& state, std::int64_t day, std::int64_t growth,
                  std::int64_t spend, std::int64_t orders);

// Where a member stood before an event: its window's totals, the tier they
// qualify for, and the tier held.
struct TierStanding {
  MetricTotals totals;
  std::size_t qualified = 0;
  std::size_t held = 0;
};
TierStanding tier_standing(const Program& program, const MemberState& state, TimeMs at);

// After an event: stores the held tier, moved up from `before.held` to what
// metrics give at `at` if higher, and cancels a pending downgrade the member
// qualifies out of. Returns the tier it left when it moved up.
std::optional<std::size_t> upgrade_if_qualified(const Program& program, MemberState& state, TimeMs at,
                                                const TierStanding& before);

struct MetricNeed {
  Metric metric = Metric::growth;
  std::int64_t have = 0;
  std::int64_t need = 0;
  std::int64_t missing = 0;
};

struct TierProgress {
  std::size_t tier = 0;       // effective: what benefits apply
  std::size_t held_tier = 0;  // through metrics
  std::optional<std::size_t> next_tier;
  std::vector<MetricNeed> needs;  // towards next_tier
  std::int32_t permille = 1000;   // progress from this tier to the next, 0..1000
  // The least paid amount (minor units) one order needs to reach next_tier;
  // absent when no single order can (orders still missing, no growth rate).
  std::optional<std::int64_t> spend_needed;
  std::vector<MetricNeed> retain_needs;  // to keep held_tier, over the window so far
  std::optional<std::int64_t> evaluation_day;  // next evaluation; absent if none
  std::optional<std::size_t> drop_to;          // held_tier's fate if evaluated today
  std::optional<PendingDowngrade> downgrade;
  std::optional<PaidTerm> paid;
};

Result<TierProgress> tier_progress(const Program& program, const MemberState& state, TimeMs at);
// The same from totals_at(program, state, at).
TierProgress tier_progress(const Program& program, const MemberState& state, TimeMs at, const MetricTotals& totals);

// The progress had an order paying `paid` and earning `growth` been placed at
// `at` (what apply() would make of it: an upgrade at once, a pending
// downgrade cancelled), from the totals before it; the state is not copied.
TierProgress progress_after_order(const Program& program, const MemberState& state, TimeMs at,
                                  const MetricTotals& totals, std::int64_t growth, std::int64_t paid);

}  // namespace loyalty
