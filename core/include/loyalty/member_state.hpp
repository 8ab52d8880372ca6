// Everything the core knows about one member. A state is a value: apply()
// returns a new one, and its JSON snapshot round-trips exactly.
#pragma once

#include <atomic>
#include <cstdint>
#include <deque>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "loyalty/local_time.hpp"
#include "loyalty/task_state.hpp"

namespace loyalty {

// Points earned together, spent first-expiring-first.
struct Lot {
  std::string id;  // the earning event's id, "#n" suffixed when one event makes several
  TimeMs earned_at = 0;
  std::int64_t points = 0;  // what is left, > 0
  std::optional<TimeMs> expires_at;
  std::optional<TimeMs> vests_at;  // present while pending: not spendable until then
  std::string order_id;            // the order that earned it, if any
};

// A member's lots, shared by the copies of a state until one of them changes
// them: apply() works on a copy of the state it is given, and a member may
// hold years of lots that an event does not touch. Reading never copies;
// edit() copies the lots first if another state still shares them.
class Lots {
 public:
  using const_iterator = std::vector<Lot>::const_iterator;

  const_iterator begin() const { return all().begin(); }
  const_iterator end() const { return all().end(); }
  std::size_t size() const { return all().size(); }
  bool empty() const { return all().empty(); }
  const Lot& operator[](std::size_t i) const { return all()[i]; }

  // The lots to change, owned by this state alone. Make the changes before
  // the next next_due(): it is remembered until edit() is called again.
  std::vector<Lot>& edit();

  // Changes that keep next_due() known where they can, for apply():
  void push_back(Lot lot);                         // appended
  Lot& take(std::size_t i, std::int64_t points);   // points leave lots[i], nothing else changes
  void vest(std::size_t i);                        // lots[i] is pending no more
  // Removes the lots left with no points; calls removed(index, lot) for
  // each, with its index once those before it have gone.
  template <typename Removed>
  void remove_empty(Removed&& removed);

  // The earliest vests_at or expires_at among the lots, if any: what time
  // must bring next. Computed once for each version of the lots.
  std::optional<TimeMs> next_due() const;

 private:
  static constexpr TimeMs kUnknown = std::numeric_limits<TimeMs>::min();
  static constexpr TimeMs kNothingDue = std::numeric_limits<TimeMs>::max();
  struct Shared {
    std::vector<Lot> lots;
    // kUnknown until computed; atomic, as states sharing lots may be read from several threads.
    mutable std::atomic<TimeMs> next_due{kUnknown};
  };
  // Inline: every scan of the lots reads through it.
  const std::vector<Lot>& all() const { return shared_ ? shared_->lots : none(); }
  static const std::vector<Lot>& none();
  std::vector<Lot>& own();                 // edit() that keeps next_due
  void forget_due_if(const Lot& lot);      // after `lot` lost a time that may have been the next due
  std::shared_ptr<Shared> shared_;
};

template <typename Removed>
void Lots::remove_empty(Removed&& removed) {
  std::vector<Lot>& lots = own();
  std::size_t kept = 0;
  for (std::size_t i = 0; i < lots.size(); ++i) {
    if (lots[i].points > 0) {
      if (kept != i) lots[kept] = std::move(lots[i]);
      ++kept;
      continue;
    }
    forget_due_if(lots[i]);
    removed(kept, std::move(lots[i]));
  }
  lots.resize(kept);
}

struct OrderLineRecord {
  std::string sku;
  std::size_t category = 0;
  std::int64_t quantity = 0;
  std::int64_t paid = 0;
  std::int64_t points = 0;  // before any cap
  std::int64_t refunded_quantity = 0;
};

// Points spent at checkout on an order, kept to return them on a refund.
struct RedeemedPart {
  std::string lot;
  std::int64_t points = 0;
  TimeMs earned_at = 0;
  std::optional<TimeMs> expires_at;
};

// An order, kept for the refund window so that refunds can be exact.
struct OrderRecord {
  std::string order_id;
  TimeMs at = 0;
  std::vector<OrderLineRecord> lines;
  std::int64_t paid = 0;
  std::int64_t points = 0;  // awarded (after caps)
  std::int64_t growth = 0;
  std::int64_t paid_refunded = 0;
  std::int64_t points_clawed = 0;
  std::int64_t growth_clawed = 0;
  std::vector<RedeemedPart> redeemed;
  std::int64_t redeemed_points = 0;
  std::int64_t redeemed_returned = 0;
  std::vector<std::string> refund_ids;
};

// What one local day added to the qualification metrics.
struct ActivityDay {
  std::int64_t day = 0;  // local day number
  std::int64_t growth = 0;
  std::int64_t spend = 0;
  std::int64_t orders = 0;
};

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

struct MonthDay {
  std::int32_t month = 1;
  std::int32_t day = 1;
  bool operator==(const MonthDay& o) const { return month == o.month && day == o.day; }
};

struct MemberState {
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
  // In the order they came (so in time order); a deque, as the oldest leave
  // from the front once their refund window closes.
  std::deque<OrderRecord> orders;
  std::vector<ActivityDay> activity;  // ascending days
  CapUsage cap_day;
  CapUsage cap_month;
  std::int32_t birthday_gift_year = 0;
  std::optional<TimeMs> last_activity_at;
  std::vector<std::string> recent_events;  // newest last
  TaskState tasks;

  std::int64_t available_points() const;  // spendable now
  std::int64_t pending_points() const;
};

// How many recent event ids a state remembers to make retries no-ops (the
// server remembers every id; this makes a client's own retries safe too).
inline constexpr std::size_t kRecentEvents = 64;

}  // namespace loyalty
