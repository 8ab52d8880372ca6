#include "state_undo.hpp"

#include <algorithm>
#include <utility>

namespace loyalty {

struct StateUndo::Spare {
  std::vector<LotNote> lots;
  std::vector<Lot> removed_lots;
  std::vector<ActivityNote> activity;
  std::vector<std::pair<TextList, TextSet::iterator>> task_texts;
};

StateUndo::Spare& StateUndo::spare() {
  thread_local Spare kept;
  return kept;
}

StateUndo::StateUndo(MemberState& s)
    : state_(s),
      scalars_{s.clock, s.version, s.growth, s.lifetime_spend, s.lifetime_orders, s.tier, s.tier_since, s.downgrade,
               s.paid, s.debt, s.cap_day, s.cap_month, s.birthday_gift_year, s.last_activity_at, s.points_active_at, s.recall} {}

namespace {

// Given back cleared, unless an unusual event (a lapse of every lot) grew it:
// a thread keeps only what ordinary events need.
template <typename T>
void give_back(std::vector<T>& used, std::vector<T>& spare) {
  if (used.capacity() == 0 || used.capacity() > 64) return;
  used.clear();
  used.swap(spare);
}

}  // namespace

// A vector of notes about to take its first: the thread's spare one, if any
// (the thread's spare vectors looked up only then).
template <typename T>
std::vector<T>& StateUndo::taken(std::vector<T>& notes, std::vector<T> Spare::*kept) {
  if (notes.capacity() == 0) notes.swap(spare().*kept);
  return notes;
}

StateUndo::~StateUndo() {
  if (lots_.capacity() + removed_lots_.capacity() + activity_.capacity() + task_texts_.capacity() == 0) return;
  Spare& kept = spare();
  give_back(lots_, kept.lots);
  give_back(removed_lots_, kept.removed_lots);
  give_back(activity_, kept.activity);
  give_back(task_texts_, kept.task_texts);
}

void StateUndo::note(LotNote n) {
  if (taken(lots_, &Spare::lots).capacity() == 0) lots_.reserve(8);  // an event that touches lots mostly touches a few
  lots_.push_back(n);
}

void StateUndo::lot_changing(Lots::Slot slot) {
  const Lot& lot = state_.lots[slot];
  note({LotChange::changed, slot, lot.points, lot.vests_at, 0});
}

void StateUndo::lot_added(Lots::Slot slot) { note({LotChange::added, slot, 0, std::nullopt, 0}); }

void StateUndo::lot_removed(Lots::Slot slot, Lot&& lot) {
  note({LotChange::removed, slot, 0, std::nullopt, removed_lots_.size()});
  taken(removed_lots_, &Spare::removed_lots).push_back(std::move(lot));
}

void StateUndo::order_added() { ++orders_added_; }

void StateUndo::activity_changing(std::int64_t day) {
  taken(activity_, &Spare::activity).push_back({day, state_.activity.day(day)});
}

void StateUndo::activity_pruned(std::vector<ActivityDay> days) { activity_pruned_ = std::move(days); }

void StateUndo::tasks_changing() {
  if (task_counters_) return;
  const TaskState& t = state_.tasks;
  task_counters_ = TaskCounters{t.checkins, t.today,      t.invitee_rewarded, t.referrals_rewarded,
                                t.draws,    t.red_packet, t.box_chances,      t.makeup_cards};
}

void StateUndo::task_text_added(TextList list, TextSet::iterator added) {
  taken(task_texts_, &Spare::task_texts).emplace_back(list, added);
}

void StateUndo::checkin_replaced(std::optional<CheckinCycle> before) {
  if (!checkin_) checkin_ = std::move(before);
}

void StateUndo::checkin_day_added(std::int64_t day) { checkin_day_added_ = day; }

void StateUndo::coupon_added() {
  if (!coupons_ && !coupons_held_) coupons_held_ = state_.tasks.coupons.size() - 1;
}

void StateUndo::coupons_changing() {
  if (!coupons_) coupons_ = state_.tasks.coupons;
}

void StateUndo::progress_changing() {
  if (!progress_) progress_ = state_.tasks.progress;
}

void StateUndo::invited_by_set() { invited_by_set_ = true; }

void StateUndo::invitee_added() { ++invitees_added_; }

void StateUndo::invitee_rewarded(std::size_t index) { invitee_rewarded_ = index; }

void StateUndo::undo() {
  MemberState& s = state_;
  const Scalars& v = scalars_;
  s.clock = v.clock;
  s.version = v.version;
  s.growth = v.growth;
  s.lifetime_spend = v.lifetime_spend;
  s.lifetime_orders = v.lifetime_orders;
  s.tier = v.tier;
  s.tier_since = v.tier_since;
  s.downgrade = v.downgrade;
  s.paid = v.paid;
  s.debt = v.debt;
  s.cap_day = v.cap_day;
  s.cap_month = v.cap_month;
  s.birthday_gift_year = v.birthday_gift_year;
  s.last_activity_at = v.last_activity_at;
  s.points_active_at = v.points_active_at;
  s.recall = v.recall;

  for (auto note = lots_.rbegin(); note != lots_.rend(); ++note) {
    if (note->change == LotChange::added) {
      s.lots.pop_back();
    } else if (note->change == LotChange::removed) {
      s.lots.put_back(note->slot, std::move(removed_lots_[note->removed]));
    } else {
      Lot lot = s.lots[note->slot];
      lot.points = note->points;
      lot.vests_at = note->vests_at;
      s.lots.put_back(note->slot, std::move(lot));
    }
  }
  for (auto note = activity_.rbegin(); note != activity_.rend(); ++note) s.activity.restore(note->day, note->before);
  s.activity.put_front(activity_pruned_);
  for (std::size_t i = 0; i < orders_added_; ++i) s.orders.pop_back();
  TaskState& t = s.tasks;
  if (task_counters_) {
    const TaskCounters& c = *task_counters_;
    t.checkins = c.checkins;
    t.today = c.today;
    t.invitee_rewarded = c.invitee_rewarded;
    t.referrals_rewarded = c.referrals_rewarded;
    t.draws = c.draws;
    t.red_packet = c.red_packet;
    t.box_chances = c.box_chances;
    t.makeup_cards = c.makeup_cards;
  }
  if (progress_) t.progress = std::move(*progress_);
  if (invited_by_set_) t.invited_by.reset();
  if (invitee_rewarded_) t.invitees[*invitee_rewarded_].rewarded = false;  // before the invitee it may name goes
  t.invitees.resize(t.invitees.size() - invitees_added_);
  if (checkin_) t.checkin = std::move(*checkin_);
  // Whether noted before or after a replaced cycle, the day was in neither
  // cycle before the event (a check-in of a day held is refused).
  if (checkin_day_added_ && t.checkin) {
    std::vector<std::int64_t>& days = t.checkin->days;
    const auto it = std::lower_bound(days.begin(), days.end(), *checkin_day_added_);
    if (it != days.end() && *it == *checkin_day_added_) days.erase(it);
  }
  if (coupons_) t.coupons = std::move(*coupons_);
  // Added before any left (and so in the copy too), or with no copy taken.
  if (coupons_held_) t.coupons.resize(*coupons_held_);
  for (auto note = task_texts_.rbegin(); note != task_texts_.rend(); ++note) {
    (t.*(note->first)).erase(note->second);  // the newest first: every position noted is still held
  }
}

}  // namespace loyalty
