// What an event changed in a state it is applied to in place, to put the
// state back exactly if the event is refused part-way (apply.hpp). Each
// change is noted by the one function that makes it, before it makes it, so
// an event that is accepted (the common case) pays only for small notes, not
// for a copy of lots, orders or activity. Internal to the core.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
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
  ~StateUndo();
  StateUndo(const StateUndo&) = delete;
  StateUndo& operator=(const StateUndo&) = delete;

  void lot_changing(Lots::Slot slot);            // before the lot's points or vesting change
  void lot_added(Lots::Slot slot);               // after a lot is appended
  void lot_removed(Lots::Slot slot, Lot&& lot);  // `lot` left `slot`
  void order_added();                              // after an order is appended
  void activity_changing(std::int64_t day);        // before the day's metrics change
  void activity_pruned(std::vector<ActivityDay> days);  // the days that left the front
  // Before the task state's counters and balances change (kept once). Its
  // lists are noted by what changes them, so that no event copies a
  // member's history: the articles liked and codes scanned only grow, and
  // what enters them is noted; the mall's redemptions and the spokesperson
  // lists are changed only once nothing can refuse the event.
  void tasks_changing();
  using TextList = TextSet TaskState::*;
  void task_text_added(TextList list, TextSet::iterator added);  // after it entered the sorted list
  void checkin_replaced(std::optional<CheckinCycle> before);     // the cycle as it was, given up whole
  void checkin_day_added(std::int64_t day);                      // after the day joined the cycle in place
  void coupon_added();                                           // after a coupon is appended
  void coupons_changing();                                       // before coupons leave the list
  void progress_changing();                                      // before the limited tasks' progress changes
  void invited_by_set();                                         // after the member's inviter is set
  void invitee_added();                                          // after an invitee is appended
  void invitee_rewarded(std::size_t index);                      // after an invitee is marked rewarded

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
    std::size_t removed;               // removed: its place in the removed lots
  };
  struct ActivityNote {
    std::int64_t day;
    std::optional<ActivityDay> before;  // absent: the day was not held
  };

  // The notes' vectors, kept on this thread between events: cleared, not
  // freed, after each, so that an event allocates none of them and gives
  // nothing back. An undo made while another lives on the thread (none is
  // today) keeps its own.
  struct Notes {
    std::vector<LotNote> lots;
    std::vector<Lot> removed_lots;
    std::vector<ActivityNote> activity;
    std::vector<std::pair<TextList, TextSet::iterator>> task_texts;  // a set's positions stay put
    bool in_use = false;
  };
  static Notes& thread_notes();

  MemberState& state_;
  Scalars scalars_;
  void note(LotNote n);
  Notes* notes_;
  std::unique_ptr<Notes> own_notes_;  // only while the thread's are in use
  std::vector<ActivityDay> activity_pruned_;
  std::size_t orders_added_ = 0;
  // TaskState's fields that are not lists.
  struct TaskCounters {
    std::int64_t checkins;
    TaskDay today;
    bool invitee_rewarded;
    std::int64_t referrals_rewarded, draws, red_packet, box_chances, makeup_cards;
  };
  std::optional<TaskCounters> task_counters_;
  std::optional<std::optional<CheckinCycle>> checkin_;
  std::optional<std::int64_t> checkin_day_added_;
  std::optional<std::vector<HeldCoupon>> coupons_;  // as they were before any left
  std::optional<std::size_t> coupons_held_;         // how many were held before the first was added
  std::optional<std::vector<TaskProgress>> progress_;
  bool invited_by_set_ = false;
  std::size_t invitees_added_ = 0;
  std::optional<std::size_t> invitee_rewarded_;
};

}  // namespace loyalty
