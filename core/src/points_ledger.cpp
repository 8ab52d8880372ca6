#include "loyalty/points_ledger.hpp"

#include <algorithm>

#include "state_undo.hpp"

namespace loyalty {

namespace {

// Every moment of a period earns the same expiry under a period-end policy.
// Earning events come in time order, so the last period's answer is kept per
// thread (pure: its key is everything the answer depends on).
struct PeriodExpiry {
  ExpiryPeriod period = ExpiryPeriod::year;
  std::int64_t periods = -1;
  std::int32_t offset = 0;
  TimeMs from = 0, until = 0;  // [from, until): the moments of the period
  TimeMs expires_at = 0;
};
thread_local PeriodExpiry last_period_expiry;

}  // namespace

std::optional<TimeMs> expiry_for(const Program& program, TimeMs earned_at) {
  const Expiry& e = program.expiry;
  const std::int32_t offset = program.utc_offset_minutes;
  switch (e.policy) {
    case ExpiryPolicy::never: return std::nullopt;
    case ExpiryPolicy::days: return start_of_local_day(local_day_number(earned_at, offset) + e.days + 1, offset);
    case ExpiryPolicy::period_end: {
      PeriodExpiry& last = last_period_expiry;
      if (last.period == e.period && last.periods == e.periods && last.offset == offset && earned_at >= last.from &&
          earned_at < last.until) {
        return last.expires_at;
      }
      const std::int64_t month = month_index(date_from_day_number(local_day_number(earned_at, offset)));
      const std::int64_t months = e.period == ExpiryPeriod::month ? 1 : e.period == ExpiryPeriod::quarter ? 3 : 12;
      const std::int64_t period_start = month - ((month % months) + months) % months;
      const auto start_of_month = [&](std::int64_t m) { return start_of_local_day(first_day_of_month_index(m), offset); };
      // Expire as the period `periods` after the earning period ends.
      last = {e.period, e.periods, offset, start_of_month(period_start), start_of_month(period_start + months),
              start_of_month(period_start + months * (e.periods + 1))};
      return last.expires_at;
    }
  }
  return std::nullopt;
}

std::optional<TimeMs> points_lapse_at(const Program& program, const MemberState& state) {
  if (!program.expiry.inactivity || state.lots.empty()) return std::nullopt;
  const InactivityExpiry& rule = *program.expiry.inactivity;
  const std::int32_t offset = program.utc_offset_minutes;
  const std::int64_t day = local_day_number(points_active_since(state), offset);
  std::int64_t last_day = day + rule.days;  // the last local day points can be used
  if (rule.months > 0) {
    const LocalDate date = date_from_day_number(day);
    const std::int64_t month = month_index(date) + rule.months;
    const std::int64_t first = first_day_of_month_index(month);
    const std::int64_t length = first_day_of_month_index(month + 1) - first;
    last_day = first + std::min<std::int64_t>(date.day, length) - 1;
  }
  return std::max(start_of_local_day(last_day + 1, offset), state.clock);
}

TimeMs points_active_since(const MemberState& state) {
  return state.points_active_at.value_or(std::max(state.joined_at, state.last_activity_at.value_or(0)));
}

std::optional<TimeMs> lapse_reminder_at(const Program& program, const MemberState& state, std::optional<TimeMs> lapse) {
  if (!lapse || program.expiry.inactivity->remind_days == 0) return std::nullopt;
  const TimeMs reminder = *lapse - program.expiry.inactivity->remind_days * kMsPerDay;
  if (reminder <= state.clock) return std::nullopt;
  return reminder;
}

std::int64_t MemberState::available_points() const { return lots.available(); }

std::int64_t MemberState::pending_points() const { return lots.pending(); }

void PointsBook::take(Slot i, std::int64_t points, TimeMs at, LedgerKind kind, const std::string& order_id,
                      const std::string& reward_id) {
  if (undo_) undo_->lot_changing(i);
  const Lot& lot = state_.lots.take(i, points);
  LedgerEntry& entry = ledger_.emplace_back(event_id_, at, kind, 0, 0, 0, lot.id, order_id, reward_id);
  (lot.vests_at ? entry.pending : entry.available) = -points;
}

void PointsBook::remove_empty_lots() {
  state_.lots.remove_empty([&](Slot slot, Lot&& lot) {
    if (undo_) undo_->lot_removed(slot, std::move(lot));
  });
}

void PointsBook::settle_debt(TimeMs at) {
  if (state_.debt == 0) return;
  state_.lots.in_spending_order(false, [&](Slot i) {
    if (state_.debt == 0) return false;
    const std::int64_t pay = std::min(state_.debt, state_.lots[i].points);
    take(i, pay, at, LedgerKind::debt_settled, "", "");
    ledger_.back().debt = -pay;
    state_.debt -= pay;
    return true;
  });
  remove_empty_lots();
}

PointsBook::Slot PointsBook::add(Lot&& lot, LedgerKind kind, TimeMs at) {
  if (lot.points <= 0) return Lots::Slot(-1);
  LedgerEntry& entry = ledger_.emplace_back(event_id_, at, kind, 0, 0, 0, lot.id, lot.order_id);
  (lot.vests_at ? entry.pending : entry.available) = lot.points;
  const bool available = !lot.vests_at;
  const Slot slot = state_.lots.push_back(std::move(lot));
  if (undo_) undo_->lot_added(slot);
  if (available) settle_debt(at);
  return slot;
}

void PointsBook::vest(Slot i, TimeMs at) {
  if (undo_) undo_->lot_changing(i);
  const Lot& lot = state_.lots[i];
  ledger_.emplace_back(event_id_, at, LedgerKind::vest, lot.points, -lot.points, 0, lot.id, lot.order_id);
  state_.lots.vest(i);
  settle_debt(at);
}

void PointsBook::expire(Slot i, TimeMs at) {
  take(i, state_.lots[i].points, at, LedgerKind::expire, "", "");
  remove_empty_lots();
}

void PointsBook::expire_due(const std::vector<Slot>& lots) {
  reserve_rows(lots.size());
  for (const Slot i : lots) take(i, state_.lots[i].points, *state_.lots[i].expires_at, LedgerKind::expire, "", "");
  remove_empty_lots();
}

// Room for `more` rows at once, still growing by doubling: the answer's
// rows are moved once, not at every doubling of a long run.
void PointsBook::reserve_rows(std::size_t more) {
  const std::size_t needed = ledger_.size() + more;
  if (needed > ledger_.capacity()) ledger_.reserve(std::max(needed, 2 * ledger_.capacity()));
}

std::int64_t PointsBook::lapse(TimeMs at) {
  std::int64_t points = 0;
  for (auto it = state_.lots.begin(); it != state_.lots.end(); ++it) {
    points += it->points;
    take(it.slot(), it->points, at, LedgerKind::expire, "", "");
  }
  remove_empty_lots();
  return points;
}

std::vector<RedeemedPart> PointsBook::spend(std::int64_t points, TimeMs at, LedgerKind kind,
                                            const std::string& order_id, const std::string& reward_id) {
  std::vector<RedeemedPart> parts;
  state_.lots.in_spending_order(false, [&](Slot i) {
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

void PointsBook::give_back(const std::vector<RedeemedPart>& parts, std::int64_t skip, std::int64_t points,
                           LedgerKind kind, const std::string& order_id, TimeMs at) {
  int n = 0;
  for (const RedeemedPart& part : parts) {
    if (points == 0) break;
    const std::int64_t consumed = std::min(skip, part.points);
    skip -= consumed;
    const std::int64_t give = std::min(points, part.points - consumed);
    if (give == 0) continue;
    points -= give;
    const Slot back = add({event_id_ + "#" + std::to_string(++n), part.earned_at, give, part.expires_at, std::nullopt, order_id},
                          kind, at);
    // Unless it paid debt in full and is gone already.
    if (state_.lots.held(back) && state_.lots[back].expires_at && *state_.lots[back].expires_at <= at) expire(back, at);
  }
}

void PointsBook::claw_back(std::int64_t points, TimeMs at, const std::string& order_id) {
  const auto claw = [&](Slot i) {
    if (points == 0) return false;
    const std::int64_t part = std::min(points, state_.lots[i].points);
    take(i, part, at, LedgerKind::clawback, order_id, "");
    points -= part;
    return true;
  };
  for (bool pending : {true, false}) {
    std::vector<Slot> own;
    for (Slot i : state_.lots.of_order(order_id)) {
      if (state_.lots[i].vests_at.has_value() == pending && state_.lots[i].points > 0) own.push_back(i);
    }
    std::sort(own.begin(), own.end(), [&](Slot a, Slot b) { return state_.lots.spent_before(a, b); });
    for (Slot i : own)
      if (!claw(i)) break;
    state_.lots.in_spending_order(pending, [&](Slot i) { return state_.lots[i].order_id == order_id || claw(i); });
  }
  if (points > 0) {
    ledger_.emplace_back(event_id_, at, LedgerKind::debt, 0, 0, points, "", order_id);
    state_.debt += points;
  }
  remove_empty_lots();
}

void PointsBook::append(LedgerEntry entry) {
  entry.event_id = event_id_;
  ledger_.push_back(std::move(entry));
}

}  // namespace loyalty
