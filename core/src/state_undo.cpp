#include "state_undo.hpp"

#include <algorithm>
#include <utility>

namespace loyalty {

StateUndo::Notes& StateUndo::thread_notes() {
  thread_local Notes notes;
  return notes;
}

StateUndo::StateUndo(MemberState& s)
    : state_(s),
      scalars_{s.clock, s.version, s.growth, s.lifetime_spend, s.lifetime_orders, s.tier, s.tier_since, s.downgrade,
               s.paid, s.debt, s.cap_day, s.cap_month, s.birthday_gift_year, s.last_activity_at, s.points_active_at, s.recall},
      notes_(&thread_notes()) {
  if (notes_->in_use) {
    own_notes_ = std::make_unique<Notes>();
    notes_ = own_notes_.get();
  }
  notes_->in_use = true;
}

namespace {

// Cleared for the next event; one an unusual event grew (a lapse of every
// lot) is freed: a thread keeps only what ordinary events need.
template <typename T>
void clear_for_next(std::vector<T>& notes) {
  if (notes.capacity() > 64) std::vector<T>().swap(notes);
  else notes.clear();
}

}  // namespace

StateUndo::~StateUndo() {
  Notes& n = *notes_;
  clear_for_next(n.lots);
  clear_for_next(n.removed_lots);
  clear_for_next(n.activity);
  clear_for_next(n.task_texts);
  n.in_use = false;
}

void StateUndo::note(LotNote n) {
  std::vector<LotNote>& lots = notes_->lots;
  if (lots.capacity() == 0) lots.reserve(8);  // an event that touches lots mostly touches a few
  lots.push_back(n);
}

void StateUndo::lot_changing(Lots::Slot slot) {
  const Lot& lot = state_.lots[slot];
  note({LotChange::changed, slot, lot.points, lot.vests_at, 0});
}

void StateUndo::lot_added(Lots::Slot slot) { note({LotChange::added, slot, 0, std::nullopt, 0}); }

void StateUndo::lot_removed(Lots::Slot slot, Lot&& lot) {
  note({LotChange::removed, slot, 0, std::nullopt, notes_->removed_lots.size()});
  notes_->removed_lots.push_back(std::move(lot));
}

void StateUndo::order_added() { ++orders_added_; }

void StateUndo::activity_changing(std::int64_t day) {
  notes_->activity.push_back({day, state_.activity.day(day)});
}

void StateUndo::activity_pruned(std::vector<ActivityDay> days) { activity_pruned_ = std::move(days); }

void StateUndo::tasks_changing() {
  if (task_counters_) return;
  const TaskState& t = state_.tasks;
  task_counters_ = TaskCounters{t.checkins, t.today,      t.invitee_rewarded, t.referrals_rewarded,
                                t.draws,    t.red_packet, t.box_chances,      t.makeup_cards};
}

void StateUndo::task_text_added(TextList list, TextSet::iterator added) {
  notes_->task_texts.emplace_back(list, added);
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

  const Notes& n = *notes_;
  for (auto note = n.lots.rbegin(); note != n.lots.rend(); ++note) {
    if (note->change == LotChange::added) {
      s.lots.pop_back();
    } else if (note->change == LotChange::removed) {
      s.lots.put_back(note->slot, std::move(notes_->removed_lots[note->removed]));
    } else {
      Lot lot = s.lots[note->slot];
      lot.points = note->points;
      lot.vests_at = note->vests_at;
      s.lots.put_back(note->slot, std::move(lot));
    }
  }
  for (auto note = n.activity.rbegin(); note != n.activity.rend(); ++note) s.activity.restore(note->day, note->before);
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
  for (auto note = n.task_texts.rbegin(); note != n.task_texts.rend(); ++note) {
    (t.*(note->first)).erase(note->second);  // the newest first: every position noted is still held
  }
}

}  // namespace loyalty
