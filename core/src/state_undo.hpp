// What an event changed in a state it is applied to in place, to put the
// state back exactly if the event is refused part-way (apply.hpp). Each
// change is noted by the one function that makes it, before it makes it, so
// an event that is accepted (the common case) pays only for small notes, not
// for a copy of lots, orders or activity. Internal to the core.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "loyalty/member_state.hpp"

namespace loyalty {

class StateUndo {
 public:
  // Remembers the state's scalar fields (clock, balances, tier, caps...).
  explicit StateUndo(MemberState& state);

  void lot_changing(Lots::Slot slot);            // before the lot's points or vesting change
  void lot_added(Lots::Slot slot);               // after a lot is appended
  void lot_removed(Lots::Slot slot, Lot&& lot);  // `lot` left `slot`
  void order_added();                              // after an order is appended
  void activity_changing(std::int64_t day);        // before the day's metrics change
  void activity_pruned(std::vector<ActivityDay> days);  // the days that left the front
  // Before the task state changes (kept once, but for the articles liked
  // and codes scanned, which only grow: what enters them is noted instead;
  // and for the mall's redemptions and the spokesperson lists, which their
  // events change only once nothing can refuse them, so that no event
  // copies a member's history).
  void tasks_changing();
  using TextList = TextSet TaskState::*;
  void task_text_added(TextList list, const std::string& text);  // after it entered the sorted list

  // Puts every noted change back, newest first.
  void undo();

 private:
  struct Scalars {
    TimeMs clock;
    std::int64_t version, growth, lifetime_spend, lifetime_orders;
    std::optional<std::size_t> tier;
    TimeMs tier_since;
    std::optional<PendingDowngrade> downgrade;
    std::optional<PaidTerm> paid;
    std::int64_t debt;
    CapUsage cap_day, cap_month;
    std::int32_t birthday_gift_year;
    std::optional<TimeMs> last_activity_at;
    std::optional<TimeMs> points_active_at;
    std::optional<RecallGiven> recall;
  };
  enum class LotChange { changed, added, removed };
  struct LotNote {
    LotChange change;
    Lots::Slot slot;
    std::int64_t points;               // changed: as they were
    std::optional<TimeMs> vests_at;    // changed: as it was
    std::size_t removed;               // removed: its place in removed_lots_
  };
  struct ActivityNote {
    std::int64_t day;
    std::optional<ActivityDay> before;  // absent: the day was not held
  };

  MemberState& state_;
  Scalars scalars_;
  void note(LotNote n);
  std::vector<LotNote> lots_;
  std::vector<Lot> removed_lots_;
  std::vector<ActivityNote> activity_;
  std::vector<ActivityDay> activity_pruned_;
  std::size_t orders_added_ = 0;
  std::optional<TaskState> tasks_;
  std::vector<std::pair<TextList, std::string>> task_texts_;
};

}  // namespace loyalty
