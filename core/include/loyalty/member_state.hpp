// Everything the core knows about one member. A state is a value: apply()
// returns a new one (apply_in_place() changes one that is held), and its
// JSON snapshot round-trips exactly.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "loyalty/activity.hpp"
#include "loyalty/held_orders.hpp"
#include "loyalty/local_time.hpp"
#include "loyalty/lots.hpp"
#include "loyalty/recent_events.hpp"
#include "loyalty/task_state.hpp"

namespace loyalty {

struct PendingDowngrade {
  std::size_t to = 0;
  TimeMs at = 0;  // when the grace ends
};

struct PaidTerm {
  std::size_t tier = 0;
  TimeMs expires_at = 0;
};

struct CapUsage {
  std::int64_t period = -1;  // local day number, or year * 12 + month - 1
  std::int64_t used = 0;
};

// The recall offer (program.lifecycle.recall) given last: the stage entry
// it was given for, kept once an event ends the inactivity that gave it, and
// whether an order has used it.
struct RecallGiven {
  std::size_t offer = 0;  // index in program.lifecycle.recall
  TimeMs entered_at = 0;  // when the member entered the offer's stage
  bool used = false;
};

struct MonthDay {
  std::int32_t month = 1;
  std::int32_t day = 1;
  bool operator==(const MonthDay& o) const { return month == o.month && day == o.day; }
};

struct MemberState {
  MemberState() = default;
  MemberState(const MemberState&) = default;
  MemberState& operator=(const MemberState&) = default;
  // Never inlined: a state's move reaches every part of it, and each place
  // that moved one (sessions, snapshots) carried its own copy of the code,
  // hundreds of bytes of the WASM module at each.
  [[gnu::noinline]] MemberState(MemberState&&) noexcept;
  [[gnu::noinline]] MemberState& operator=(MemberState&&) noexcept;

  std::string member_id;
  TimeMs joined_at = 0;
  std::optional<MonthDay> birthday;
  TimeMs clock = 0;          // the time of the last applied event; time never goes back
  std::int64_t version = 0;  // events applied
  std::int64_t growth = 0;   // lifetime growth value
  std::int64_t lifetime_spend = 0;
  std::int64_t lifetime_orders = 0;
  // The tier held through metrics (it may be above what the window gives
  // now, until the next evaluation). Absent: derived from the metrics.
  std::optional<std::size_t> tier;
  TimeMs tier_since = 0;
  std::optional<PendingDowngrade> downgrade;
  std::optional<PaidTerm> paid;
  Lots lots;
  std::int64_t debt = 0;
  HeldOrders orders;
  Activity activity;
  CapUsage cap_day;
  CapUsage cap_month;
  std::int32_t birthday_gift_year = 0;
  std::optional<TimeMs> last_activity_at;
  // The last activity that keeps points from lapsing (expiry.inactivity),
  // or the moment they last lapsed; absent: last_activity_at or joined_at.
  std::optional<TimeMs> points_active_at;
  std::optional<RecallGiven> recall;
  RecentEvents recent_events;
  TaskState tasks;
  TextSet tags;  // the operator's tags (标签), sorted

  std::int64_t available_points() const;  // spendable now
  std::int64_t pending_points() const;

  // About what the state holds on the heap besides itself (malloc's chunks
  // counted whole): what a cache of states weighs each one by.
  std::size_t heap_bytes() const;
};

}  // namespace loyalty
