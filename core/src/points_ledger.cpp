#include "loyalty/points_ledger.hpp"

#include <algorithm>

#include "state_undo.hpp"

namespace loyalty {

std::optional<TimeMs> expiry_for(const Program& program, TimeMs earned_at) {
  const Expiry& e = program.expiry;
  const std::int32_t offset = program.utc_offset_minutes;
  const std::int64_t day = local_day_number(earned_at, offset);
  switch (e.policy) {
    case ExpiryPolicy::never: return std::nullopt;
    case ExpiryPolicy::days: return start_of_local_day(day + e.days + 1, offset);
    case ExpiryPolicy::period_end: {
      const std::int64_t month = month_index(date_from_day_number(day));
      const std::int64_t months = e.period == ExpiryPeriod::month ? 1 : e.period == ExpiryPeriod::quarter ? 3 : 12;
      const std::int64_t period_start = month - ((month % months) + months) % months;
      // Expire as the period `periods` after the earning period ends.
      return start_of_local_day(first_day_of_month_index(period_start + months * (e.periods + 1)), offset);
    }
  }
  return std::nullopt;
}

std::int64_t MemberState::available_points() const {
  std::int64_t sum = 0;
  for (const Lot& lot : lots)
    if (!lot.vests_at) sum += lot.points;
  return sum;
}

std::int64_t MemberState::pending_points() const {
  std::int64_t sum = 0;
  for (const Lot& lot : lots)
    if (lot.vests_at) sum += lot.points;
  return sum;
}

namespace {

// Whether lot `a` is spent before lot `b` (the last tie, the place held, only
// for lots a state read from outside may share ids in).
bool spent_before(const Lots& lots, std::size_t a, std::size_t b) {
  const Lot& x = lots[a];
  const Lot& y = lots[b];
  if (x.expires_at.has_value() != y.expires_at.has_value()) return x.expires_at.has_value();
  if (x.expires_at != y.expires_at) return *x.expires_at < *y.expires_at;
  if (x.earned_at != y.earned_at) return x.earned_at < y.earned_at;
  if (x.id != y.id) return x.id < y.id;
  return a < b;
}

}  // namespace

std::vector<std::size_t> PointsBook::spendable(bool pending) const {
  std::vector<std::size_t> lots;
  for (std::size_t i = 0; i < state_.lots.size(); ++i) {
    if (state_.lots[i].vests_at.has_value() == pending && state_.lots[i].points > 0) lots.push_back(i);
  }
  return lots;
}

std::vector<std::size_t> PointsBook::spending_order(bool pending) const {
  std::vector<std::size_t> order = spendable(pending);
  std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return spent_before(state_.lots, a, b); });
  return order;
}

template <typename Take>
void PointsBook::in_spending_order(Take&& take_from) {
  // A heap rather than a sort: a spend usually takes a lot or two of many.
  std::vector<std::size_t> heap = spendable(false);
  const auto later = [&](std::size_t a, std::size_t b) { return spent_before(state_.lots, b, a); };
  std::make_heap(heap.begin(), heap.end(), later);
  while (!heap.empty()) {
    std::pop_heap(heap.begin(), heap.end(), later);
    if (!take_from(heap.back())) break;
    heap.pop_back();
  }
}

void PointsBook::take(std::size_t i, std::int64_t points, TimeMs at, LedgerKind kind,
                      const std::string& order_id, const std::string& reward_id) {
  if (undo_) undo_->lot_changing(i);
  const Lot& lot = state_.lots.take(i, points);
  emptied_ = emptied_ || lot.points <= 0;
  LedgerEntry entry{event_id_, at, kind, 0, 0, 0, lot.id, order_id, reward_id};
  (lot.vests_at ? entry.pending : entry.available) = -points;
  ledger_.push_back(std::move(entry));
}

void PointsBook::remove_empty_lots() {
  if (!emptied_) return;  // no lot was taken to nothing since the last look
  emptied_ = false;
  state_.lots.remove_empty([&](std::size_t index, Lot&& lot) {
    if (undo_) undo_->lot_removed(index, std::move(lot));
  });
}

void PointsBook::settle_debt(TimeMs at) {
  if (state_.debt == 0) return;  // the common case: no sorting of lots for nothing
  in_spending_order([&](std::size_t i) {
    if (state_.debt == 0) return false;
    const std::int64_t pay = std::min(state_.debt, state_.lots[i].points);
    take(i, pay, at, LedgerKind::debt_settled, "", "");
    ledger_.back().debt = -pay;
    state_.debt -= pay;
    return true;
  });
  remove_empty_lots();
}

void PointsBook::add(Lot lot, LedgerKind kind, TimeMs at) {
  if (lot.points <= 0) return;
  LedgerEntry entry{event_id_, at, kind, 0, 0, 0, lot.id, lot.order_id, ""};
  (lot.vests_at ? entry.pending : entry.available) = lot.points;
  ledger_.push_back(std::move(entry));
  const bool available = !lot.vests_at;
  state_.lots.push_back(std::move(lot));
  if (undo_) undo_->lot_added();
  if (available) settle_debt(at);
}

void PointsBook::vest(std::size_t i, TimeMs at) {
  if (undo_) undo_->lot_changing(i);
  const Lot& lot = state_.lots[i];
  ledger_.push_back({event_id_, at, LedgerKind::vest, lot.points, -lot.points, 0, lot.id, lot.order_id, ""});
  state_.lots.vest(i);
  settle_debt(at);
}

void PointsBook::expire(std::size_t i, TimeMs at) {
  take(i, state_.lots[i].points, at, LedgerKind::expire, "", "");
  remove_empty_lots();
}

std::vector<RedeemedPart> PointsBook::spend(std::int64_t points, TimeMs at, LedgerKind kind,
                                            const std::string& order_id, const std::string& reward_id) {
  std::vector<RedeemedPart> parts;
  in_spending_order([&](std::size_t i) {
    if (points == 0) return false;
    const Lot& lot = state_.lots[i];
    const std::int64_t part = std::min(points, lot.points);
    parts.push_back({lot.id, part, lot.earned_at, lot.expires_at});
    take(i, part, at, kind, order_id, reward_id);
    points -= part;
    return true;
  });
  remove_empty_lots();
  return parts;
}

void PointsBook::claw_back(std::int64_t points, TimeMs at, const std::string& order_id) {
  std::vector<std::size_t> order;
  for (bool pending : {true, false}) {
    const std::vector<std::size_t> lots = spending_order(pending);
    for (std::size_t i : lots)
      if (state_.lots[i].order_id == order_id) order.push_back(i);
    for (std::size_t i : lots)
      if (state_.lots[i].order_id != order_id) order.push_back(i);
  }
  for (std::size_t i : order) {
    if (points == 0) break;
    const std::int64_t part = std::min(points, state_.lots[i].points);
    take(i, part, at, LedgerKind::clawback, order_id, "");
    points -= part;
  }
  if (points > 0) {
    ledger_.push_back({event_id_, at, LedgerKind::debt, 0, 0, points, "", order_id, ""});
    state_.debt += points;
  }
  remove_empty_lots();
}

void PointsBook::append(LedgerEntry entry) {
  entry.event_id = event_id_;
  ledger_.push_back(std::move(entry));
}

}  // namespace loyalty
