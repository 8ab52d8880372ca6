// Pure questions about a member at a moment: nothing here changes a state.
// Each first brings the state to `at` (vesting, expiry) as apply() would.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "loyalty/error.hpp"
#include "loyalty/member_state.hpp"
#include "loyalty/program.hpp"

namespace loyalty {

struct PointsOnDay {
  std::int64_t day = 0;  // local day number
  std::int64_t points = 0;
};

struct PointsSummary {
  std::int64_t available = 0;
  std::int64_t pending = 0;
  std::int64_t debt = 0;
  std::int64_t balance = 0;  // available, less debt when the programme shows a negative balance
  std::vector<PointsOnDay> expiring;  // within the horizon, by the last local day they can be used
  std::int64_t expiring_total = 0;
  std::vector<PointsOnDay> vesting;   // pending points by the local day they vest
  // Under expiry.inactivity: when every point lapses if nothing happens
  // (absent with no points); its lots are in `expiring` by that day too.
  bool lapse_rule = false;
  std::optional<TimeMs> lapses_at;
};

// How far ahead a points summary looks when the request does not say.
inline constexpr std::int64_t kDefaultHorizonDays = 30;
Result<PointsSummary> points_summary(const Program& program, const MemberState& state, TimeMs at,
                                     std::int64_t horizon_days);
// The same for a state already brought to `at`.
PointsSummary points_summary_of(const Program& program, const MemberState& brought, TimeMs at,
                                std::int64_t horizon_days);

// "Use up to 2,300 points (¥23.00) on this order."
struct RedemptionPreview {
  std::int64_t available = 0;
  std::int64_t max_points = 0;
  std::int64_t cash_value = 0;  // of max_points, minor units
};

// Errors: "redeem.not_offered" when the programme takes no points at checkout.
Result<RedemptionPreview> redemption_preview(const Program& program, const MemberState& state, TimeMs at,
                                             std::int64_t order_total);
// The same for a state already brought to the moment; the programme takes points.
RedemptionPreview redemption_preview_of(const Program& program, const MemberState& brought, std::int64_t order_total);

struct LifecycleStatus {
  LifecycleStage stage = LifecycleStage::new_member;
  std::int64_t days_inactive = 0;
  std::optional<LifecycleStage> next_stage;
  std::optional<std::int64_t> days_to_next;
  bool lapse_rule = false;                // the programme lets points lapse (expiry.inactivity)
  std::optional<TimeMs> points_lapse_at;  // then: as in the points summary, absent with no points
};

// New while joined less than new_days ago; then by whole days since the last
// activity (an order, a redemption, a paid membership, a task or a game):
// active, silent, sleeping, lost.
LifecycleStatus lifecycle(const Program& program, const MemberState& state, TimeMs at);

}  // namespace loyalty
