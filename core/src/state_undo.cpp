#include "state_undo.hpp"

#include <algorithm>

namespace loyalty {

StateUndo::StateUndo(MemberState& s)
    : state_(s),
      scalars_{s.clock, s.version, s.growth, s.lifetime_spend, s.lifetime_orders, s.tier, s.tier_since, s.downgrade,
               s.paid, s.debt, s.cap_day, s.cap_month, s.birthday_gift_year, s.last_activity_at, s.points_active_at, s.recall} {}

void StateUndo::note(LotNote n) {
  if (lots_.empty()) lots_.reserve(8);  // an event that touches lots mostly touches a few
  lots_.push_back(n);
}

void StateUndo::lot_changing(Lots::Slot slot) {
  const Lot& lot = state_.lots[slot];
  note({LotChange::changed, slot, lot.points, lot.vests_at, 0});
}

void StateUndo::lot_added(Lots::Slot slot) { note({LotChange::added, slot, 0, std::nullopt, 0}); }

void StateUndo::lot_removed(Lots::Slot slot, Lot&& lot) {
  note({LotChange::removed, slot, 0, std::nullopt, removed_lots_.size()});
  removed_lots_.push_back(std::move(lot));
}

void StateUndo::order_added() { ++orders_added_; }

void StateUndo::activity_changing(std::int64_t day) { activity_.push_back({day, state_.activity.day(day)}); }

void StateUndo::activity_pruned(std::vector<ActivityDay> days) { activity_pruned_ = std::move(days); }

void StateUndo::tasks_changing() {
  if (tasks_) return;
  TaskState& t = state_.tasks;
  TextSet liked = std::move(t.liked), scanned = std::move(t.scanned);
  std::vector<MallRedemption> mall = std::move(t.mall);
  SpokespersonState spokesperson = std::move(t.spokesperson);
  tasks_ = t;
  t.liked = std::move(liked);
  t.scanned = std::move(scanned);
  t.mall = std::move(mall);
  t.spokesperson = std::move(spokesperson);
}

void StateUndo::task_text_added(TextList list, const std::string& text) { task_texts_.emplace_back(list, text); }

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
  if (tasks_) {
    TextSet liked = std::move(s.tasks.liked), scanned = std::move(s.tasks.scanned);
    std::vector<MallRedemption> mall = std::move(s.tasks.mall);
    SpokespersonState spokesperson = std::move(s.tasks.spokesperson);
    s.tasks = std::move(*tasks_);
    s.tasks.liked = std::move(liked);
    s.tasks.scanned = std::move(scanned);
    s.tasks.mall = std::move(mall);
    s.tasks.spokesperson = std::move(spokesperson);
  }
  for (auto note = task_texts_.rbegin(); note != task_texts_.rend(); ++note) {
    (s.tasks.*(note->first)).erase(note->second);
  }
}

}  // namespace loyalty
