#include "loyalty/queries.hpp"

#include <algorithm>

#include "loyalty/apply.hpp"
#include "loyalty/points_ledger.hpp"

namespace loyalty {

namespace {

void add_to_day(std::vector<PointsOnDay>& days, std::int64_t day, std::int64_t points) {
  auto it = std::lower_bound(days.begin(), days.end(), day, [](const PointsOnDay& p, std::int64_t d) { return p.day < d; });
  if (it == days.end() || it->day != day) it = days.insert(it, PointsOnDay{day, 0});
  it->points += points;
}

}  // namespace

Result<PointsSummary> points_summary(const Program& program, const MemberState& state, TimeMs at,
                                     std::int64_t horizon_days) {
  auto brought = state_at(program, state, at);
  if (!brought.ok()) return brought.errors();
  return points_summary_of(program, brought.value(), at, horizon_days);
}

PointsSummary points_summary_of(const Program& program, const MemberState& s, TimeMs at, std::int64_t horizon_days) {
  const std::int32_t offset = program.utc_offset_minutes;
  const std::int64_t last_day = local_day_number(at, offset) + horizon_days;
  PointsSummary summary;
  summary.available = s.available_points();
  summary.pending = s.pending_points();
  summary.debt = s.debt;
  summary.balance = program.shortfall == Shortfall::negative_balance ? summary.available - s.debt : summary.available;
  summary.lapse_rule = program.expiry.inactivity.has_value();
  summary.lapses_at = points_lapse_at(program, s);
  for (const Lot& lot : s.lots) {
    if (lot.vests_at) add_to_day(summary.vesting, local_day_number(*lot.vests_at, offset), lot.points);
    std::optional<TimeMs> ends = lot.expires_at;
    if (summary.lapses_at && (!ends || *summary.lapses_at < *ends)) ends = summary.lapses_at;
    if (!ends) continue;
    const std::int64_t day = local_day_number(*ends - 1, offset);  // the last day it can be used
    if (day > last_day) continue;
    add_to_day(summary.expiring, day, lot.points);
    summary.expiring_total += lot.points;
  }
  return summary;
}

Result<RedemptionPreview> redemption_preview(const Program& program, const MemberState& state, TimeMs at,
                                             std::int64_t order_total) {
  if (!program.redemption) {
    return Error{"redeem.not_offered", "this programme does not take points at checkout", ""};
  }
  auto brought = state_at(program, state, at);
  if (!brought.ok()) return brought.errors();
  return redemption_preview_of(program, brought.value(), order_total);
}

RedemptionPreview redemption_preview_of(const Program& program, const MemberState& brought, std::int64_t order_total) {
  const Redemption& r = *program.redemption;
  RedemptionPreview p;
  p.available = brought.available_points();
  const std::int64_t cash_limit = *mul_div(order_total, r.max_share_bp, kBasisPoints, Rounding::floor);
  const auto by_share = mul_div(cash_limit, r.points_per_unit, r.unit_minor, Rounding::floor);
  std::int64_t points = std::min(p.available, by_share.value_or(kMaxSafeInteger));
  points -= points % r.step;
  if (points < r.minimum) points = 0;
  p.max_points = points;
  p.cash_value = *mul_div(points, r.unit_minor, r.points_per_unit, Rounding::floor);
  return p;
}

LifecycleStatus lifecycle(const Program& program, const MemberState& state, TimeMs at) {
  const Lifecycle& l = program.lifecycle;
  LifecycleStatus status;
  status.lapse_rule = program.expiry.inactivity.has_value();
  status.points_lapse_at = points_lapse_at(program, state);
  const std::int64_t member_days = std::max<TimeMs>(0, at - state.joined_at) / kMsPerDay;
  const TimeMs last = state.last_activity_at.value_or(state.joined_at);
  status.days_inactive = std::max<TimeMs>(0, at - last) / kMsPerDay;
  const std::pair<LifecycleStage, std::int64_t> by_inactivity[] = {
      {LifecycleStage::silent, l.silent_days},
      {LifecycleStage::sleeping, l.sleeping_days},
      {LifecycleStage::lost, l.lost_days},
  };
  if (member_days < l.new_days) {
    status.stage = LifecycleStage::new_member;
    // A new member turns active, or straight to a later stage if idle long enough.
    status.next_stage = LifecycleStage::active;
    status.days_to_next = l.new_days - member_days;
    return status;
  }
  status.stage = LifecycleStage::active;
  for (const auto& [stage, days] : by_inactivity) {
    if (status.days_inactive >= days) {
      status.stage = stage;
      continue;
    }
    status.next_stage = stage;
    status.days_to_next = days - status.days_inactive;
    break;
  }
  return status;
}

}  // namespace loyalty
