// The copy-and-scan apply() the core had before it changed states in place:
// every event copies the state, lots are found by scanning and sorted to be
// spent, window totals are re-added. Kept unchanged as the reference the
// in-place apply() is compared with, event by event (apply_differential_test).
#include "reference_apply.hpp"

#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "loyalty/checked_math.hpp"
#include "loyalty/checkin.hpp"
#include "loyalty/draw.hpp"
#include "loyalty/order_preview.hpp"
#include "loyalty/recall.hpp"
#include "loyalty/tier.hpp"

namespace loyalty::reference {

// When points earned at `earned_at` expire under the programme; nullopt: never.
std::optional<TimeMs> expiry_for(const Program& program, TimeMs earned_at);

class PointsBook {
 public:
  PointsBook(const Program& program, MemberState& state, std::vector<LedgerEntry>& ledger,
             const std::string& event_id)
      : program_(program), state_(state), ledger_(ledger), event_id_(event_id) {}

  // Adds a lot (pending if it has vests_at) and records `kind`; available
  // points pay any debt first.
  void add(Lot lot, LedgerKind kind, TimeMs at);
  void vest(std::size_t lot_index, TimeMs at);
  void expire(std::size_t lot_index, TimeMs at);
  // Spends available points; the caller has checked there are enough.
  std::vector<RedeemedPart> spend(std::int64_t points, TimeMs at, LedgerKind kind,
                                  const std::string& order_id, const std::string& reward_id);
  void claw_back(std::int64_t points, TimeMs at, const std::string& order_id);
  // A row that moves no points (a coupon expiring), stamped with the event's id.
  void append(LedgerEntry entry);

 private:
  std::vector<std::size_t> spending_order(bool pending) const;
  void take(std::size_t lot_index, std::int64_t points, TimeMs at, LedgerKind kind,
            const std::string& order_id, const std::string& reward_id);
  void settle_debt(TimeMs at);
  void remove_empty_lots();

  const Program& program_;
  MemberState& state_;
  std::vector<LedgerEntry>& ledger_;
  const std::string& event_id_;
};

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


std::vector<std::size_t> PointsBook::spending_order(bool pending) const {
  std::vector<std::size_t> order;
  for (std::size_t i = 0; i < state_.lots.size(); ++i) {
    if (state_.lots[i].vests_at.has_value() == pending && state_.lots[i].points > 0) order.push_back(i);
  }
  std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    const Lot& x = state_.lots[a];
    const Lot& y = state_.lots[b];
    if (x.expires_at.has_value() != y.expires_at.has_value()) return x.expires_at.has_value();
    if (x.expires_at != y.expires_at) return *x.expires_at < *y.expires_at;
    if (x.earned_at != y.earned_at) return x.earned_at < y.earned_at;
    return x.id < y.id;
  });
  return order;
}

void PointsBook::take(std::size_t i, std::int64_t points, TimeMs at, LedgerKind kind,
                      const std::string& order_id, const std::string& reward_id) {
  Lot& lot = state_.lots.edit()[i];
  lot.points -= points;
  LedgerEntry entry{event_id_, at, kind, 0, 0, 0, lot.id, order_id, reward_id};
  (lot.vests_at ? entry.pending : entry.available) = -points;
  ledger_.push_back(std::move(entry));
}

void PointsBook::remove_empty_lots() {
  const auto empty = [](const Lot& lot) { return lot.points <= 0; };
  if (std::none_of(state_.lots.begin(), state_.lots.end(), empty)) return;
  std::vector<Lot>& lots = state_.lots.edit();
  lots.erase(std::remove_if(lots.begin(), lots.end(), empty), lots.end());
}

void PointsBook::settle_debt(TimeMs at) {
  if (state_.debt == 0) return;  // the common case: no sorting of lots for nothing
  for (std::size_t i : spending_order(false)) {
    if (state_.debt == 0) break;
    const std::int64_t pay = std::min(state_.debt, state_.lots[i].points);
    take(i, pay, at, LedgerKind::debt_settled, "", "");
    ledger_.back().debt = -pay;
    state_.debt -= pay;
  }
  remove_empty_lots();
}

void PointsBook::add(Lot lot, LedgerKind kind, TimeMs at) {
  if (lot.points <= 0) return;
  LedgerEntry entry{event_id_, at, kind, 0, 0, 0, lot.id, lot.order_id, ""};
  (lot.vests_at ? entry.pending : entry.available) = lot.points;
  ledger_.push_back(std::move(entry));
  const bool available = !lot.vests_at;
  state_.lots.push_back(std::move(lot));
  if (available) settle_debt(at);
}

void PointsBook::vest(std::size_t i, TimeMs at) {
  Lot& lot = state_.lots.edit()[i];
  ledger_.push_back({event_id_, at, LedgerKind::vest, lot.points, -lot.points, 0, lot.id, lot.order_id, ""});
  lot.vests_at.reset();
  settle_debt(at);
}

void PointsBook::expire(std::size_t i, TimeMs at) {
  take(i, state_.lots[i].points, at, LedgerKind::expire, "", "");
  remove_empty_lots();
}

std::vector<RedeemedPart> PointsBook::spend(std::int64_t points, TimeMs at, LedgerKind kind,
                                            const std::string& order_id, const std::string& reward_id) {
  std::vector<RedeemedPart> parts;
  for (std::size_t i : spending_order(false)) {
    if (points == 0) break;
    const Lot& lot = state_.lots[i];
    const std::int64_t part = std::min(points, lot.points);
    parts.push_back({lot.id, part, lot.earned_at, lot.expires_at});
    take(i, part, at, kind, order_id, reward_id);
    points -= part;
  }
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

bool is_task_event(EventKind kind);

class TaskEvents {
 public:
  TaskEvents(const Program& program, const Event& event, Outcome& out, PointsBook& book)
      : program_(program), rules_(program.tasks), event_(event), out_(out), state_(out.state), book_(book) {}

  // The event's own effect; an error leaves the outcome to be thrown away.
  std::optional<Error> run();
  // After an order: counts it toward tasks and pays an invitee's first-order referral reward.
  std::optional<Error> after_order();

 private:
  std::int64_t today() const;
  TaskDay& day();
  std::optional<Error> grant(const Reward& reward, LedgerKind kind, const std::string& subject,
                             const std::string& prize, bool counts_to_cap, const std::string& lot_suffix = "");
  std::optional<Error> count(TaskAction action, const std::string& item);
  void notice(NoticeKind kind, std::string subject = "", std::string prize = "");

  std::optional<Error> checkin();
  std::optional<Error> makeup();
  std::optional<Error> like();
  std::optional<Error> scan();
  std::optional<Error> referred();
  std::optional<Error> referral();
  std::optional<Error> draw();
  // Spends available points (the caller checked there are enough); the rows name `subject`.
  void spend_for(std::int64_t points, LedgerKind kind, const std::string& subject);
  std::optional<Error> pay_makeup(const Makeup& rules, const std::string& subject);
  std::optional<Error> pay_draw(const Box& box);

  const Program& program_;
  const TaskRules& rules_;
  const Event& event_;
  Outcome& out_;
  MemberState& state_;
  PointsBook& book_;
};

namespace {

Error refused(std::string code, std::string message, std::string path = "event") {
  return Error{std::move(code), std::move(message), std::move(path)};
}

bool contains(const std::vector<std::string>& sorted, const std::string& s) {
  return std::binary_search(sorted.begin(), sorted.end(), s);
}

void insert_sorted(std::vector<std::string>& sorted, const std::string& s) {
  sorted.insert(std::upper_bound(sorted.begin(), sorted.end(), s), s);
}

}  // namespace

bool is_task_event(EventKind kind) {
  switch (kind) {
    case EventKind::checkin:
    case EventKind::makeup:
    case EventKind::like:
    case EventKind::share:
    case EventKind::scan:
    case EventKind::referred:
    case EventKind::referral:
    case EventKind::draw: return true;
    default: return false;
  }
}

std::int64_t TaskEvents::today() const { return local_day_number(event_.at, program_.utc_offset_minutes); }

TaskDay& TaskEvents::day() {
  TaskDay& d = state_.tasks.today;
  if (d.day != today()) d = TaskDay{today(), 0, 0, 0, 0};
  return d;
}

void TaskEvents::notice(NoticeKind kind, std::string subject, std::string prize) {
  Notice n;
  n.kind = kind;
  n.at = event_.at;
  n.subject = std::move(subject);
  n.prize = std::move(prize);
  out_.notices.push_back(std::move(n));
}

std::optional<Error> TaskEvents::grant(const Reward& reward, LedgerKind kind, const std::string& subject,
                                       const std::string& prize, bool counts_to_cap, const std::string& lot_suffix) {
  TaskState& t = state_.tasks;
  Reward r = reward;
  if (counts_to_cap && rules_.daily_points_cap > 0 && r.points > 0) {
    const std::int64_t room = std::max<std::int64_t>(0, rules_.daily_points_cap - day().task_points);
    if (r.points > room) {
      Notice n;
      n.kind = NoticeKind::points_capped;
      n.at = event_.at;
      n.points = r.points - room;
      out_.notices.push_back(n);
      r.points = room;
    }
    day().task_points += r.points;
  }
  if (!checked_add(state_.growth, r.growth) || !checked_add(t.red_packet, r.red_packet) ||
      !checked_add(t.box_chances, r.box_chances) || !checked_add(t.makeup_cards, r.makeup_cards) ||
      !checked_add(state_.available_points(), r.points)) {
    return refused("arith.overflow", "the member's balances would leave the safe integer range");
  }
  const std::size_t row = out_.ledger.size();
  if (r.points > 0) {
    book_.add({event_.id + lot_suffix, event_.at, r.points, expiry_for(program_, event_.at), std::nullopt, ""}, kind,
              event_.at);
  } else {
    out_.ledger.push_back({event_.id, event_.at, kind, 0, 0, 0, "", "", ""});
  }
  LedgerEntry& e = out_.ledger[row];
  e.growth = r.growth;
  e.red_packet = r.red_packet;
  e.box_chances = r.box_chances;
  e.makeup_cards = r.makeup_cards;
  e.subject = subject;
  e.prize = prize;
  if (r.growth > 0) add_activity(program_, state_, today(), r.growth, 0, 0);
  t.red_packet += r.red_packet;
  t.box_chances += r.box_chances;
  t.makeup_cards += r.makeup_cards;
  if (r.coupon) {
    e.coupon = r.coupon->id;
    t.coupons.push_back({r.coupon->id, event_.id, event_.at,
                         start_of_local_day(today() + r.coupon->valid_days + 1, program_.utc_offset_minutes)});
  }
  return std::nullopt;
}

// Every counted action advances the limited-time tasks running today.
std::optional<Error> TaskEvents::count(TaskAction action, const std::string& item) {
  std::vector<TaskProgress>& progress = state_.tasks.progress;
  const std::int64_t d = today();
  // Forget progress of periods that are over and of tasks the programme no longer has.
  progress.erase(std::remove_if(progress.begin(), progress.end(), [&](const TaskProgress& p) {
                   auto task = std::find_if(rules_.limited.begin(), rules_.limited.end(),
                                            [&](const LimitedTask& t) { return t.id == p.task; });
                   return task == rules_.limited.end() || d > task->to_day || period_start(*task, d) != p.period;
                 }),
                 progress.end());
  for (const LimitedTask& task : rules_.limited) {
    if (task.action != action || d < task.from_day || d > task.to_day) continue;
    auto it = std::find_if(progress.begin(), progress.end(), [&](const TaskProgress& p) { return p.task == task.id; });
    if (it == progress.end()) it = progress.insert(progress.end(), {task.id, period_start(task, d), 0, false, {}});
    if (it->done) continue;
    if (action == TaskAction::share) {
      if (contains(it->items, item)) continue;  // the same article shared twice counts once
      insert_sorted(it->items, item);
    }
    it->count += 1;
    if (it->count < task.target) continue;
    it->done = true;
    it->items.clear();
    notice(NoticeKind::task_completed, task.id);
    if (auto e = grant(task.reward, LedgerKind::task, task.id, "", true, "#" + task.id)) return e;
  }
  return std::nullopt;
}

std::optional<Error> TaskEvents::run() {
  keep_open_recall(program_, state_, event_.at, false);
  state_.last_activity_at = event_.at;
  switch (event_.kind) {
    case EventKind::checkin: return checkin();
    case EventKind::makeup: return makeup();
    case EventKind::like: return like();
    case EventKind::share: return count(TaskAction::share, event_.article);
    case EventKind::scan: return scan();
    case EventKind::referred: return referred();
    case EventKind::referral: return referral();
    case EventKind::draw: return draw();
    default: return std::nullopt;
  }
}

std::optional<Error> TaskEvents::checkin() {
  if (!rules_.checkin) return refused("checkin.not_offered", "this programme has no daily check-in", "event.type");
  const CheckinRules& rules = *rules_.checkin;
  auto step = check_in(rules, state_.tasks.checkin, today());
  if (!step.ok()) return step.errors().front();
  state_.tasks.checkin = step.value().cycle;
  state_.tasks.checkins += 1;
  Notice n;
  n.kind = NoticeKind::checked_in;
  n.at = event_.at;
  n.position = step.value().position;
  n.streak = step.value().streak;
  out_.notices.push_back(n);
  if (auto e = grant(reward_for_position(rules, step.value().position), LedgerKind::checkin, date_from_day_number(today()).iso(), "", true)) {
    return e;
  }
  return count(TaskAction::checkin, "");
}

void TaskEvents::spend_for(std::int64_t points, LedgerKind kind, const std::string& subject) {
  const std::size_t first = out_.ledger.size();
  book_.spend(points, event_.at, kind, "", "");
  for (std::size_t i = first; i < out_.ledger.size(); ++i) out_.ledger[i].subject = subject;
}

std::optional<Error> TaskEvents::pay_makeup(const Makeup& rules, const std::string& subject) {
  TaskState& t = state_.tasks;
  const bool card = event_.pay == MakeupPayment::card || (event_.pay == MakeupPayment::any && t.makeup_cards > 0);
  if (card) {
    if (t.makeup_cards == 0) return refused("makeup.no_card", "the member holds no make-up card", "event.pay");
    t.makeup_cards -= 1;
    LedgerEntry e{event_.id, event_.at, LedgerKind::makeup, 0, 0, 0, "", "", ""};
    e.makeup_cards = -1;
    e.subject = subject;
    out_.ledger.push_back(std::move(e));
    return std::nullopt;
  }
  if (rules.cost_points == 0) {
    return refused(event_.pay == MakeupPayment::points ? "makeup.not_for_points" : "makeup.no_card",
                   "make-ups here are paid with make-up cards only", "event.pay");
  }
  if (state_.available_points() < rules.cost_points) {
    return refused("points.insufficient", "a make-up costs " + std::to_string(rules.cost_points) + " points; " +
                   std::to_string(state_.available_points()) + " are available", "event.pay");
  }
  spend_for(rules.cost_points, LedgerKind::makeup, subject);
  return std::nullopt;
}

std::optional<Error> TaskEvents::makeup() {
  if (!rules_.checkin || !rules_.checkin->makeup) {
    return refused("makeup.not_offered", "this programme offers no make-up check-ins", "event.type");
  }
  auto step = make_up(*rules_.checkin, *rules_.checkin->makeup, state_.tasks.checkin, event_.makeup_day, today());
  if (!step.ok()) return step.errors().front();
  if (auto e = pay_makeup(*rules_.checkin->makeup, date_from_day_number(event_.makeup_day).iso())) return e;
  state_.tasks.checkin = step.value().cycle;
  Notice n;
  n.kind = NoticeKind::streak_restored;
  n.at = event_.at;
  n.position = step.value().position;
  n.streak = step.value().streak;
  out_.notices.push_back(n);
  return std::nullopt;
}

std::optional<Error> TaskEvents::like() {
  if (!rules_.likes) return refused("like.not_offered", "this programme does not reward likes", "event.type");
  if (state_.tasks.liked.count(event_.article) > 0) {
    return refused("like.already_rewarded", "a like of this article was rewarded already", "event.article");
  }
  if (rules_.likes->daily_cap > 0 && day().likes >= rules_.likes->daily_cap) {
    return refused("like.daily_cap", "today's rewarded likes are used: " + std::to_string(rules_.likes->daily_cap));
  }
  state_.tasks.liked.insert(event_.article);
  day().likes += 1;
  if (auto e = grant(rules_.likes->reward, LedgerKind::like, event_.article, "", true)) return e;
  return count(TaskAction::like, event_.article);
}

std::optional<Error> TaskEvents::scan() {
  if (!rules_.scans) return refused("scan.not_offered", "this programme does not reward code scans", "event.type");
  const ScanRules& rules = *rules_.scans;
  if (state_.tasks.scanned.count(event_.code) > 0 ||
      (!event_.code_used_by.empty() && event_.code_used_by != state_.member_id)) {
    return refused("scan.code_used", "this code was redeemed already", "event.code");
  }
  if (rules.daily_cap > 0 && day().scans >= rules.daily_cap) {
    return refused("scan.daily_cap", "today's rewarded scans are used: " + std::to_string(rules.daily_cap));
  }
  const Reward* reward = &rules.reward;
  std::size_t matched = 0;
  for (const ScanBatch& b : rules.batches) {
    if (b.prefix.size() > matched && event_.code.compare(0, b.prefix.size(), b.prefix) == 0) {
      reward = &b.reward;
      matched = b.prefix.size();
    }
  }
  state_.tasks.scanned.insert(event_.code);
  day().scans += 1;
  if (auto e = grant(*reward, LedgerKind::scan, event_.code, "", true)) return e;
  return count(TaskAction::scan, event_.code);
}

std::optional<Error> TaskEvents::referred() {
  if (!rules_.referral) return refused("referral.not_offered", "this programme has no referral rewards", "event.type");
  TaskState& t = state_.tasks;
  const std::string& inviter = event_.other_member;
  if (inviter == state_.member_id) return refused("referral.self", "a member cannot invite themselves", "event.inviter");
  if (t.invited_by) return refused("referral.already_referred", "the member already has an inviter", "event.inviter");
  const bool circular = std::any_of(t.invitees.begin(), t.invitees.end(),
                                    [&](const Invitee& i) { return i.member_id == inviter; });
  if (circular) return refused("referral.circular", "the inviter was invited by this member", "event.inviter");
  t.invited_by = inviter;
  if (rules_.referral->reward_on != ReferralTrigger::join) return std::nullopt;
  t.invitee_rewarded = true;
  return grant(rules_.referral->invitee_reward, LedgerKind::referral, inviter, "", true);
}

std::optional<Error> TaskEvents::referral() {
  if (!rules_.referral) return refused("referral.not_offered", "this programme has no referral rewards", "event.type");
  const ReferralRules& rules = *rules_.referral;
  TaskState& t = state_.tasks;
  const std::string& invitee = event_.other_member;
  if (invitee == state_.member_id) return refused("referral.self", "a member cannot invite themselves", "event.invitee");
  if (t.invited_by == invitee) return refused("referral.circular", "the invitee invited this member", "event.invitee");
  auto it = std::find_if(t.invitees.begin(), t.invitees.end(), [&](const Invitee& i) { return i.member_id == invitee; });
  const bool pays_now = (event_.stage == ReferralStage::joined) == (rules.reward_on == ReferralTrigger::join);
  if (event_.stage == ReferralStage::joined) {
    if (it != t.invitees.end()) return refused("referral.duplicate", "this invitee is recorded already", "event.invitee");
    t.invitees.push_back({invitee, false});
    it = t.invitees.end() - 1;
  } else {
    if (it == t.invitees.end()) return refused("referral.unknown_invitee", "no such invitee of this member", "event.invitee");
    if (!pays_now) return refused("referral.not_due", "this programme rewards referrals when the invitee joins", "event.stage");
    if (it->rewarded) return refused("referral.already_rewarded", "this invitation was rewarded already", "event.invitee");
  }
  if (!pays_now) return std::nullopt;
  if (rules.max_rewarded > 0 && t.referrals_rewarded >= rules.max_rewarded) {
    notice(NoticeKind::referral_capped, invitee);
    return std::nullopt;
  }
  it->rewarded = true;
  t.referrals_rewarded += 1;
  return grant(rules.inviter_reward, LedgerKind::referral, invitee, "", true);
}

std::optional<Error> TaskEvents::after_order() {
  TaskState& t = state_.tasks;
  if (rules_.referral && rules_.referral->reward_on == ReferralTrigger::first_order && t.invited_by &&
      !t.invitee_rewarded) {
    t.invitee_rewarded = true;
    notice(NoticeKind::referral_qualified, *t.invited_by);
    if (auto e = grant(rules_.referral->invitee_reward, LedgerKind::referral, *t.invited_by, "", true, "#referral")) {
      return e;
    }
  }
  return count(TaskAction::order, event_.order_id);
}

std::optional<Error> TaskEvents::pay_draw(const Box& box) {
  TaskState& t = state_.tasks;
  if (day().free_draws < box.free_per_day) {
    day().free_draws += 1;
    out_.ledger.push_back({event_.id, event_.at, LedgerKind::box_cost, 0, 0, 0, "", "", ""});
    out_.ledger.back().subject = box.id;
    return std::nullopt;
  }
  if (box.cost.chances > 0 && t.box_chances >= box.cost.chances) {
    t.box_chances -= box.cost.chances;
    LedgerEntry e{event_.id, event_.at, LedgerKind::box_cost, 0, 0, 0, "", "", ""};
    e.box_chances = -box.cost.chances;
    e.subject = box.id;
    out_.ledger.push_back(std::move(e));
    return std::nullopt;
  }
  if (box.cost.points > 0) {
    if (state_.available_points() < box.cost.points) {
      return refused("points.insufficient", "a draw costs " + std::to_string(box.cost.points) + " points; " +
                     std::to_string(state_.available_points()) + " are available", "event.box");
    }
    spend_for(box.cost.points, LedgerKind::box_cost, box.id);
    return std::nullopt;
  }
  if (box.cost.chances > 0) return refused("box.no_chances", "no box chances left", "event.box");
  return refused("box.daily_limit", "today's free draws are used", "event.box");
}

std::optional<Error> TaskEvents::draw() {
  const Box* box = rules_.box(event_.draw.box);
  if (!box) return refused("box.unknown", "\"" + event_.draw.box + "\" is not a box of this programme", "event.box");
  const HmacSha256 seed(event_.draw.seed);
  auto result = draw_prize(*box, event_.draw, seed, state_.member_id, state_.tasks.draws);
  if (!result.ok()) return result.errors().front();
  if (auto e = pay_draw(*box)) return e;
  const Prize& prize = box->prizes[result.value().prize];
  Notice n;
  n.kind = NoticeKind::box_opened;
  n.at = event_.at;
  n.subject = box->id;
  n.prize = prize.id;
  n.nonce = state_.tasks.draws;
  out_.notices.push_back(n);
  state_.tasks.draws += 1;
  return grant(prize.reward, LedgerKind::box_prize, box->id, prize.id, false);
}

namespace {


// The last local day whose evaluation is behind a state brought to `until`.
std::int64_t first_evaluated_day(const Program& program, const MemberState& state, TimeMs until) {
  const std::int32_t offset = program.utc_offset_minutes;
  // A state without history (clock 0) has no evaluations due before now.
  return state.clock == 0 ? local_day_number(until, offset)
                          : std::max(local_day_number(state.clock, offset), local_day_number(state.joined_at, offset));
}

// The earliest time anything falls due: a lot vesting or expiring, a coupon
// expiring, a paid term or a grace period ending, an evaluation (its day in
// `evaluation`).
std::optional<TimeMs> next_due(const Program& program, const MemberState& state, std::int64_t evaluated_day,
                               std::optional<std::int64_t>& evaluation) {
  std::optional<TimeMs> next;
  auto consider = [&](std::optional<TimeMs> t) {
    if (t && (!next || *t < *next)) next = t;
  };
  consider(state.lots.next_due());
  for (const HeldCoupon& c : state.tasks.coupons) consider(c.expires_at);
  if (state.paid) consider(state.paid->expires_at);
  if (state.downgrade) consider(state.downgrade->at);
  if (held_tier(program, state, state.clock) > 0 && !state.downgrade) {
    evaluation = next_evaluation_day(program, state, evaluated_day);
    if (evaluation) consider(start_of_local_day(*evaluation, program.utc_offset_minutes));
  }
  return next;
}

// Brings a state forward to `until`, processing what falls due in time order.
class Timeline {
 public:
  Timeline(const Program& program, MemberState& state, PointsBook& book, std::vector<Notice>& notices)
      : program_(program), state_(state), book_(book), notices_(notices) {}

  // Processes everything due up to `until`; then due() is the next time
  // something would fall due (after `until`), if anything ever does.
  void run(TimeMs until) {
    const std::int32_t offset = program_.utc_offset_minutes;
    evaluated_day_ = first_evaluated_day(program_, state_, until);
    for (;;) {
      std::optional<std::int64_t> evaluation;
      const std::optional<TimeMs> next = next_due(program_, state_, evaluated_day_, evaluation);
      if (!next || *next > until) {
        due_ = next;
        break;
      }
      const TimeMs t = *next;
      vest_and_expire(t);
      expire_coupons(t);
      end_paid_membership(t);
      end_grace(t);
      if (evaluation && start_of_local_day(*evaluation, offset) == t) {
        evaluate(*evaluation, t);
        evaluated_day_ = *evaluation;
      }
      state_.clock = std::max(state_.clock, t);
    }
    prune(until);
  }

  std::optional<TimeMs> due() const { return due_; }

 private:
  void vest_and_expire(TimeMs t) {
    for (std::size_t i = 0; i < state_.lots.size(); ++i) {
      if (state_.lots[i].vests_at && *state_.lots[i].vests_at <= t) book_.vest(i, *state_.lots[i].vests_at);
    }
    // Expiring removes lots: find one, expire it, look again.
    for (;;) {
      auto it = std::find_if(state_.lots.begin(), state_.lots.end(),
                             [&](const Lot& lot) { return lot.expires_at && *lot.expires_at <= t; });
      if (it == state_.lots.end()) break;
      book_.expire(it.slot(), *it->expires_at);  // slot = position: no lot is ever left removed here
    }
  }

  void expire_coupons(TimeMs t) {
    std::vector<HeldCoupon>& coupons = state_.tasks.coupons;
    for (const HeldCoupon& c : coupons) {
      if (c.expires_at > t) continue;
      LedgerEntry e{"", c.expires_at, LedgerKind::coupon_expired, 0, 0, 0, "", "", ""};
      e.coupon = c.coupon;
      e.subject = c.event_id;  // the event that granted it
      book_.append(std::move(e));
    }
    coupons.erase(std::remove_if(coupons.begin(), coupons.end(), [&](const HeldCoupon& c) { return c.expires_at <= t; }),
                  coupons.end());
  }

  void end_paid_membership(TimeMs t) {
    if (!state_.paid || state_.paid->expires_at > t) return;
    notices_.push_back({NoticeKind::paid_expired, state_.paid->expires_at, state_.paid->tier,
                        held_tier(program_, state_, t), std::nullopt, std::nullopt});
    state_.paid.reset();
  }

  void end_grace(TimeMs t) {
    if (!state_.downgrade || state_.downgrade->at > t) return;
    // Evaluations wait while a downgrade is pending and resume with the day
    // the grace ends, never with the days it covered: caught up at their
    // past times they would depend on whether an event came in between.
    evaluated_day_ = std::max(evaluated_day_, local_day_number(t, program_.utc_offset_minutes) - 1);
    const std::size_t held = held_tier(program_, state_, t);
    const PendingDowngrade d = *state_.downgrade;
    state_.downgrade.reset();
    const MetricTotals now = window_totals(program_, state_, local_day_number(t, program_.utc_offset_minutes));
    if (meets(program_, program_.tiers[held].retain, now)) {
      notices_.push_back({NoticeKind::downgrade_cancelled, t, held, held, std::nullopt, std::nullopt});
      return;
    }
    move_down(held, d.to, d.at);
  }

  // At the start of local day `day`: did the held tier keep its retain over
  // the window that just ended?
  void evaluate(std::int64_t day, TimeMs t) {
    const std::size_t held = held_tier(program_, state_, t);
    if (held == 0) return;
    const MetricTotals totals = window_totals(program_, state_, day - 1);
    if (meets(program_, program_.tiers[held].retain, totals)) return;
    const std::size_t target = downgrade_target(program_, held, totals);
    if (program_.qualification.grace_days > 0) {
      const TimeMs until = t + program_.qualification.grace_days * kMsPerDay;
      state_.tier = held;
      state_.downgrade = PendingDowngrade{target, until};
      notices_.push_back({NoticeKind::downgrade_scheduled, t, held, target, until, std::nullopt});
      return;
    }
    move_down(held, target, t);
  }

  void move_down(std::size_t from, std::size_t to, TimeMs t) {
    state_.tier = to;
    state_.tier_since = t;
    notices_.push_back({NoticeKind::tier_downgraded, t, from, to, std::nullopt, std::nullopt});
  }

  // Forgets what no rule can need any more.
  void prune(TimeMs until) {
    const TimeMs keep_orders_from = until - program_.refund_window_days * kMsPerDay;
    std::deque<OrderRecord>& orders = state_.orders.edit();
    orders.erase(std::remove_if(orders.begin(), orders.end(), [&](const OrderRecord& o) { return o.at < keep_orders_from; }),
                 orders.end());
    const Qualification& q = program_.qualification;
    // A window ends at most a day back (evaluation) and spans at most a year and a day.
    const std::int64_t span = q.window == WindowKind::rolling_days ? q.window_days + 1 : 367 + 1;
    const std::int64_t keep_from = local_day_number(until, program_.utc_offset_minutes) - span;
    state_.activity.forget_before(keep_from);  // the days are ascending: the same as removing each before
  }

  const Program& program_;
  MemberState& state_;
  PointsBook& book_;
  std::vector<Notice>& notices_;
  std::int64_t evaluated_day_ = 0;
  std::optional<TimeMs> due_;
};

// Everything one event does, on a state the caller may throw away on error.
class Transition {
 public:
  Transition(const Program& program, const Event& event, Outcome& out)
      : program_(program), event_(event), out_(out), state_(out.state),
        book_(program, out.state, out.ledger, event.id) {}

  std::optional<Errors> run() {
    Timeline(program_, state_, book_, out_.notices).run(event_.at);
    const TierStanding before = tier_standing(program_, state_, event_.at);
    std::optional<Error> error;
    switch (event_.kind) {
      case EventKind::order: error = order(); break;
      case EventKind::refund: error = refund(); break;
      case EventKind::redeem: error = redeem(); break;
      case EventKind::birthday: error = birthday(); break;
      case EventKind::paid_membership: paid_membership(); break;
      case EventKind::time_passes: break;
      default: error = TaskEvents(program_, event_, out_, book_).run(); break;
    }
    if (!error && event_.kind == EventKind::order) error = TaskEvents(program_, event_, out_, book_).after_order();
    if (error) return Errors{*error};
    const bool had_downgrade = state_.downgrade.has_value();
    if (auto from = upgrade_if_qualified(program_, state_, event_.at, before)) {
      out_.notices.push_back({NoticeKind::tier_upgraded, event_.at, *from, state_.tier, std::nullopt, std::nullopt});
    }
    if (had_downgrade && !state_.downgrade) {
      out_.notices.push_back({NoticeKind::downgrade_cancelled, event_.at, state_.tier, state_.tier, std::nullopt, std::nullopt});
    }
    state_.clock = event_.at;
    state_.version += 1;
    state_.recent_events.push_back(event_.id);  // forgets the oldest past kRecentEvents
    return std::nullopt;
  }

 private:
  std::int64_t today() const { return local_day_number(event_.at, program_.utc_offset_minutes); }

  std::optional<Error> spend_at_checkout(const OrderPreview& priced, std::vector<RedeemedPart>& parts) {
    const std::int64_t points = event_.redeem_points;
    if (points == 0) return std::nullopt;
    if (!program_.redemption) return refused("redeem.not_offered", "this programme does not take points at checkout", "event.redeem_points");
    const Redemption& r = *program_.redemption;
    if (points % r.step != 0 || points < r.minimum) {
      return refused("redeem.not_allowed", "points are used in multiples of " + std::to_string(r.step) +
                     ", at least " + std::to_string(r.minimum), "event.redeem_points");
    }
    // The cash the points stand for may be at most max_share of the order before points.
    const auto value = mul_div(points, r.unit_minor, r.points_per_unit, Rounding::floor);
    const auto total = value ? checked_add(priced.paid, *value) : std::nullopt;
    const auto limit = total ? mul_div(*total, r.max_share_bp, kBasisPoints, Rounding::floor) : std::nullopt;
    if (!limit || *value > *limit) {
      return refused("redeem.over_share", "points may pay at most " + std::to_string(r.max_share_bp / 100) +
                     "% of the order", "event.redeem_points");
    }
    if (state_.available_points() < points) return insufficient(points, "event.redeem_points");
    parts = book_.spend(points, event_.at, LedgerKind::checkout, event_.order_id, "");
    return std::nullopt;
  }

  Error insufficient(std::int64_t wanted, std::string path) const {
    return refused("points.insufficient", "needs " + std::to_string(wanted) + " points; " +
                   std::to_string(state_.available_points()) + " are available", std::move(path));
  }

  std::optional<Error> order() {
    for (const OrderRecord& o : state_.orders) {
      if (o.order_id == event_.order_id) {
        return refused("order.duplicate", "order \"" + event_.order_id + "\" is already recorded", "event.order_id");
      }
    }
    auto priced = price_order(program_, state_, event_.cart, event_.at, false);
    if (!priced.ok()) return priced.errors().front();
    const OrderPreview& p = priced.value();
    if (!checked_add(state_.growth, p.growth) || !checked_add(state_.lifetime_spend, p.spend)) {
      return refused("arith.overflow", "the member's totals would leave the safe integer range", "event");
    }
    OrderRecord record;
    if (auto error = spend_at_checkout(p, record.redeemed)) return error;
    record.redeemed_points = event_.redeem_points;

    if (p.points > 0) {
      book_.add({event_.id, event_.at, p.points, p.expires_at, p.vests_at, event_.order_id}, LedgerKind::earn, event_.at);
    }
    for (const CapCut& cut : p.caps) {
      out_.notices.push_back({NoticeKind::points_capped, event_.at, std::nullopt, std::nullopt, std::nullopt, cut.cut});
    }
    record_caps(p);
    add_activity(program_, state_, today(), p.growth, p.spend, 1);
    keep_open_recall(program_, state_, event_.at, true);
    state_.last_activity_at = event_.at;

    record.order_id = event_.order_id;
    record.at = event_.at;
    record.paid = p.paid;
    record.points = p.points;
    record.growth = p.growth;
    for (const LinePreview& lp : p.lines) {
      record.lines.push_back({lp.line.sku, lp.line.category, lp.line.quantity, lp.paid, lp.points, 0});
    }
    state_.orders.push_back(std::move(record));
    return std::nullopt;
  }

  void record_caps(const OrderPreview& p) {
    const LocalDate date = local_date(event_.at, program_.utc_offset_minutes);
    for (const EarnCap& cap : program_.caps) {
      const bool by_day = cap.period == CapPeriod::day;
      CapUsage& usage = by_day ? state_.cap_day : state_.cap_month;
      const std::int64_t period = by_day ? day_number_from_date(date) : month_index(date);
      if (usage.period != period) usage = {period, 0};
      usage.used += p.points;
    }
  }

  std::optional<Error> refund() {
    std::deque<OrderRecord>& orders = state_.orders.edit();
    auto it = std::find_if(orders.begin(), orders.end(),
                           [&](const OrderRecord& o) { return o.order_id == event_.order_id; });
    if (it == orders.end()) {
      return refused("refund.unknown_order", "no order \"" + event_.order_id + "\" within the refund window",
                     "event.order_id");
    }
    OrderRecord& o = *it;
    std::vector<std::int64_t> quantities(o.lines.size(), 0);
    if (event_.refund_lines.empty()) {
      for (std::size_t i = 0; i < o.lines.size(); ++i) quantities[i] = o.lines[i].quantity - o.lines[i].refunded_quantity;
    }
    for (std::size_t k = 0; k < event_.refund_lines.size(); ++k) {
      const RefundLine& r = event_.refund_lines[k];
      const std::string path = "event.lines[" + std::to_string(k) + "]";
      if (r.line >= o.lines.size()) return refused("refund.unknown_line", "the order has " + std::to_string(o.lines.size()) + " lines", path + ".line");
      quantities[r.line] += r.quantity;
      if (o.lines[r.line].refunded_quantity + quantities[r.line] > o.lines[r.line].quantity) {
        return refused("refund.too_many", "more than was bought and not yet refunded", path + ".quantity");
      }
    }
    if (std::all_of(quantities.begin(), quantities.end(), [](std::int64_t q) { return q == 0; })) {
      return refused("refund.nothing_left", "every line of this order is refunded already", "event.order_id");
    }

    // Cumulative shares, so that refunding everything in parts ends exactly where one full refund would.
    // Growth and spend come back only for lines whose category earns (Category::earns).
    std::int64_t paid_refunded = 0, points_target = 0, spend = 0, spend_refunded = 0, spend_refunded_before = 0;
    bool full = true;
    for (std::size_t i = 0; i < o.lines.size(); ++i) {
      OrderLineRecord& line = o.lines[i];
      const std::int64_t before = *mul_div(line.paid, line.refunded_quantity, line.quantity, Rounding::half_up);
      line.refunded_quantity += quantities[i];
      full = full && line.refunded_quantity == line.quantity;
      const std::int64_t refunded = *mul_div(line.paid, line.refunded_quantity, line.quantity, Rounding::half_up);
      paid_refunded += refunded;
      points_target += *mul_div(line.points, line.refunded_quantity, line.quantity, program_.points.rounding);
      if (program_.categories[line.category].earns) {
        spend += line.paid;
        spend_refunded += refunded;
        spend_refunded_before += before;
      }
    }
    points_target = std::min(points_target, o.points);
    const std::int64_t growth_target =
        full ? o.growth
             : (spend == 0 || !program_.growth ? 0 : *mul_div(o.growth, spend_refunded, spend, program_.growth->rounding));
    const std::int64_t return_target =
        full ? o.redeemed_points : (o.paid == 0 ? 0 : *mul_div(o.redeemed_points, paid_refunded, o.paid, Rounding::floor));

    const std::int64_t claw = points_target - o.points_clawed;
    const std::int64_t growth_back = growth_target - o.growth_clawed;
    const std::int64_t spend_back = spend_refunded - spend_refunded_before;
    const std::int64_t give_back = return_target - o.redeemed_returned;
    o.points_clawed = points_target;
    o.growth_clawed = growth_target;
    o.paid_refunded = paid_refunded;
    o.redeemed_returned = return_target;
    o.refund_ids.push_back(event_.id);

    if (claw > 0) book_.claw_back(claw, event_.at, o.order_id);
    return_checkout_points(o, give_back);
    add_activity(program_, state_, local_day_number(o.at, program_.utc_offset_minutes), -growth_back, -spend_back,
                 full ? -1 : 0);
    return std::nullopt;
  }

  // Points spent on the order come back with their original earning time and
  // expiry; what has expired since comes back and expires at once, in view.
  void return_checkout_points(const OrderRecord& o, std::int64_t points) {
    std::int64_t skip = o.redeemed_returned - points;  // returned by earlier refunds
    int n = 0;
    for (const RedeemedPart& part : o.redeemed) {
      if (points == 0) break;
      const std::int64_t consumed = std::min(skip, part.points);
      skip -= consumed;
      const std::int64_t give = std::min(points, part.points - consumed);
      if (give == 0) continue;
      points -= give;
      Lot lot{event_.id + "#" + std::to_string(++n), part.earned_at, give, part.expires_at, std::nullopt, o.order_id};
      book_.add(std::move(lot), LedgerKind::returned, event_.at);
      auto back = std::find_if(state_.lots.begin(), state_.lots.end(),
                               [&](const Lot& l) { return l.id == event_.id + "#" + std::to_string(n); });
      if (back != state_.lots.end() && back->expires_at && *back->expires_at <= event_.at) {
        book_.expire(back.slot(), event_.at);
      }
    }
  }

  std::optional<Error> redeem() {
    if (state_.available_points() < event_.points) return insufficient(event_.points, "event.points");
    book_.spend(event_.points, event_.at, LedgerKind::redeem, "", event_.reward_id);
    keep_open_recall(program_, state_, event_.at, false);
    state_.last_activity_at = event_.at;
    return std::nullopt;
  }

  std::optional<Error> birthday() {
    if (!state_.birthday) return refused("birthday.unknown", "the member has no birthday on record", "state.birthday");
    const LocalDate today = local_date(event_.at, program_.utc_offset_minutes);
    const bool leap = (today.year % 4 == 0 && today.year % 100 != 0) || today.year % 400 == 0;
    const bool feb29_on_28 = state_.birthday->month == 2 && state_.birthday->day == 29 && !leap &&
                             today.month == 2 && today.day == 28;
    if (!(MonthDay{today.month, today.day} == *state_.birthday) && !feb29_on_28) {
      return refused("birthday.not_today", "today is not the member's birthday in the programme's time zone", "event.at");
    }
    if (state_.birthday_gift_year == today.year) {
      return refused("birthday.already_given", "this year's birthday gift was given", "event");
    }
    state_.birthday_gift_year = today.year;
    const std::int64_t gift = program_.tiers[effective_tier(program_, state_, event_.at)].birthday_points;
    if (gift > 0) {
      book_.add({event_.id, event_.at, gift, expiry_for(program_, event_.at), std::nullopt, ""}, LedgerKind::birthday_gift,
                event_.at);
    }
    return std::nullopt;
  }

  void paid_membership() {
    const PaidMembership& offer = *program_.paid_membership;
    const TimeMs length = offer.days * kMsPerDay;
    if (state_.paid && state_.paid->expires_at > event_.at) {
      state_.paid->expires_at += length;
      out_.notices.push_back({NoticeKind::paid_renewed, event_.at, std::nullopt, offer.tier, state_.paid->expires_at, std::nullopt});
    } else {
      state_.paid = PaidTerm{offer.tier, event_.at + length};
      out_.notices.push_back({NoticeKind::paid_started, event_.at, std::nullopt, offer.tier, state_.paid->expires_at, std::nullopt});
    }
    keep_open_recall(program_, state_, event_.at, false);
    state_.last_activity_at = event_.at;
  }

  const Program& program_;
  const Event& event_;
  Outcome& out_;
  MemberState& state_;
  PointsBook book_;
};

}  // namespace

Result<Outcome> apply(const Program& program, const MemberState& state, const Event& event) {
  Outcome out;
  if (std::find(state.recent_events.begin(), state.recent_events.end(), event.id) != state.recent_events.end()) {
    out.state = state;
    out.duplicate = true;
    return out;
  }
  if (event.at < state.clock) {
    return refused("event.out_of_order", "the state is already at " + std::to_string(state.clock) +
                   "; events must come in time order", "event.at");
  }
  if (event.kind == EventKind::paid_membership && !program.paid_membership) {
    return refused("paid_membership.not_offered", "this programme has no paid membership", "event.type");
  }
  out.state = state;
  Transition transition(program, event, out);
  if (auto errors = transition.run()) return *errors;
  return out;
}

}  // namespace loyalty::reference
