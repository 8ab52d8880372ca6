#include "task_events.hpp"

#include <algorithm>
#include <utility>

#include "loyalty/checkin.hpp"
#include "loyalty/checked_math.hpp"
#include "loyalty/draw.hpp"
#include "loyalty/recall.hpp"
#include "loyalty/tier.hpp"

namespace loyalty {

namespace {

Error refused(std::string code, std::string message, std::string path = "event") {
  return Error{std::move(code), std::move(message), std::move(path)};
}

bool contains(const std::vector<std::string>& sorted, std::string_view s) {
  return std::binary_search(sorted.begin(), sorted.end(), s, std::less<>());
}

void insert_sorted(std::vector<std::string>& sorted, std::string_view s) {
  sorted.emplace(std::upper_bound(sorted.begin(), sorted.end(), s, std::less<>()), s);
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
    case EventKind::draw:
    case EventKind::mall_redeem:
    case EventKind::mall_cancel:
    case EventKind::spokesperson_visit:
    case EventKind::spokesperson_credit: return true;
    default: return false;
  }
}

void TaskEvents::tasks_changing() {
  if (undo_) undo_->tasks_changing();
}

void TaskEvents::replace_checkin(CheckinCycle cycle) {
  std::optional<CheckinCycle> before = std::exchange(state_.tasks.checkin, std::move(cycle));
  if (undo_) undo_->checkin_replaced(std::move(before));
}

void TaskEvents::activity_changing() {
  if (undo_) undo_->activity_changing(today());
}

TaskDay& TaskEvents::day() {
  TaskDay& d = state_.tasks.today;
  if (d.day != today()) d = TaskDay{today(), 0, 0, 0, 0};
  return d;
}

void TaskEvents::notice(NoticeKind kind, std::string subject, std::string prize) {
  Notice& n = out_.notices.emplace_back(kind, event_.at);
  n.subject = std::move(subject);
  n.prize = std::move(prize);
}

std::optional<Error> TaskEvents::grant(const Reward& reward, LedgerKind kind, std::string_view subject,
                                       std::string_view prize, bool counts_to_cap, std::string_view lot_suffix) {
  tasks_changing();  // after an order too, where nothing else has
  TaskState& t = state_.tasks;
  std::int64_t points = reward.points;  // what the daily cap leaves of them (no copy of the reward)
  if (counts_to_cap && rules_.daily_points_cap > 0 && points > 0) {
    const std::int64_t room = std::max<std::int64_t>(0, rules_.daily_points_cap - day().task_points);
    if (points > room) {
      Notice n;
      n.kind = NoticeKind::points_capped;
      n.at = event_.at;
      n.points = points - room;
      out_.notices.push_back(std::move(n));
      points = room;
    }
    day().task_points += points;
  }
  if (!checked_add(state_.growth, reward.growth) || !checked_add(t.red_packet, reward.red_packet) ||
      !checked_add(t.box_chances, reward.box_chances) || !checked_add(t.makeup_cards, reward.makeup_cards) ||
      !checked_add(state_.available_points(), points)) {
    return refused("arith.overflow", "the member's balances would leave the safe integer range");
  }
  const std::size_t row = out_.ledger.size();
  if (points > 0) {
    Lot lot{event_.id, event_.at, points, expiry_for(program_, event_.at), std::nullopt, {}};
    if (!lot_suffix.empty()) lot.id.append(lot_suffix);
    book_.add(std::move(lot), kind, event_.at);
  } else {
    out_.ledger.emplace_back(event_.id, event_.at, kind);
  }
  LedgerEntry& e = out_.ledger[row];
  e.growth = reward.growth;
  e.red_packet = reward.red_packet;
  e.box_chances = reward.box_chances;
  e.makeup_cards = reward.makeup_cards;
  // Appended to the row's empty texts (an assignment checks for overlap
  // first); most rows have no prize: no call to copy nothing.
  if (!subject.empty()) e.subject.append(subject);
  if (!prize.empty()) e.prize.append(prize);
  if (reward.growth > 0) {
    activity_changing();
    add_activity(program_, state_, today(), reward.growth, 0, 0);
  }
  t.red_packet += reward.red_packet;
  t.box_chances += reward.box_chances;
  t.makeup_cards += reward.makeup_cards;
  if (reward.coupon) {
    e.coupon = reward.coupon->id;
    t.coupons.push_back({reward.coupon->id, event_.id, event_.at,
                         start_of_local_day(today() + reward.coupon->valid_days + 1, program_.utc_offset_minutes)});
    if (undo_) undo_->coupon_added();
  }
  return std::nullopt;
}

// Found when first asked (most events ask nothing of segments), as the
// member was before the event's own activity; an order's tasks ask after
// the order.
const MemberFacts& TaskEvents::facts() {
  if (!facts_) {
    if (activity_before_) std::swap(state_.last_activity_at, *activity_before_);
    facts_ = member_facts(program_, state_, event_.at);
    if (activity_before_) std::swap(state_.last_activity_at, *activity_before_);
  }
  return *facts_;
}

bool TaskEvents::in_segments(const std::vector<std::size_t>& segments) {
  return in_any_segment(program_, segments, facts());
}

// Every counted action advances the limited-time tasks running today.
std::optional<Error> TaskEvents::count(TaskAction action, std::string_view item) {
  std::vector<TaskProgress>& progress = state_.tasks.progress;
  const std::int64_t d = today();
  // With no progress held, nothing to forget: only a task of this action
  // running today changes anything (most events count toward none).
  const auto counts_today = [&](const LimitedTask& t) {
    return t.action == action && d >= t.from_day && d <= t.to_day;
  };
  if (progress.empty() && std::none_of(rules_.limited.begin(), rules_.limited.end(), counts_today)) return std::nullopt;
  if (undo_) undo_->progress_changing();
  // Forget progress of periods that are over and of tasks the programme no longer has.
  progress.erase(std::remove_if(progress.begin(), progress.end(), [&](const TaskProgress& p) {
                   auto task = std::find_if(rules_.limited.begin(), rules_.limited.end(),
                                            [&](const LimitedTask& t) { return t.id == p.task; });
                   return task == rules_.limited.end() || d > task->to_day || period_start(*task, d) != p.period;
                 }),
                 progress.end());
  for (const LimitedTask& task : rules_.limited) {
    if (!counts_today(task)) continue;
    if (!task.segments.empty() && !in_segments(task.segments)) continue;
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
  tasks_changing();
  activity_before_ = state_.last_activity_at;
  // The merchant's act, or a friend's, not the member's: no activity.
  if (event_.kind == EventKind::mall_cancel) return mall_cancel();
  if (event_.kind == EventKind::spokesperson_credit) return spokesperson_credit();
  keep_open_recall(program_, state_, event_.at, /*used=*/false);
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
    case EventKind::mall_redeem: return mall_redeem();
    case EventKind::spokesperson_visit: return spokesperson_visit();
    default: return std::nullopt;
  }
}

std::optional<Error> TaskEvents::checkin() {
  if (!rules_.checkin) return refused("checkin.not_offered", "this programme has no daily check-in", "event.type");
  const CheckinRules& rules = *rules_.checkin;
  CheckinStep step;
  if (auto error = check_in_place(rules, state_.tasks.checkin, today(), step)) return error;
  if (!step.joined) replace_checkin(std::move(step.cycle));
  else if (undo_) undo_->checkin_day_added(today());
  state_.tasks.checkins += 1;
  Notice& n = out_.notices.emplace_back(NoticeKind::checked_in, event_.at);  // made where it stays
  n.position = step.position;
  n.streak = step.streak;
  if (auto e = grant(reward_for_position(rules, step.position), LedgerKind::checkin, DayText(today()).view(), "", true)) {
    return e;
  }
  return count(TaskAction::checkin, "");
}

std::vector<RedeemedPart> TaskEvents::spend_for(std::int64_t points, LedgerKind kind, const std::string& subject) {
  const std::size_t first = out_.ledger.size();
  std::vector<RedeemedPart> parts = book_.spend(points, event_.at, kind, "", "");
  for (std::size_t i = first; i < out_.ledger.size(); ++i) out_.ledger[i].subject = subject;
  return parts;
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
  auto made_up = make_up(*rules_.checkin, *rules_.checkin->makeup, state_.tasks.checkin, event_.makeup_day, today());
  if (!made_up.ok()) return made_up.errors().front();
  CheckinStep step = std::move(made_up).value();
  if (auto e = pay_makeup(*rules_.checkin->makeup, date_from_day_number(event_.makeup_day).iso())) return e;
  replace_checkin(std::move(step.cycle));
  Notice n;
  n.kind = NoticeKind::streak_restored;
  n.at = event_.at;
  n.position = step.position;
  n.streak = step.streak;
  out_.notices.push_back(std::move(n));
  if (rules_.checkin->makeup->pays != MakeupPays::day_reward) return std::nullopt;
  // Paid as the check-in of the day it fills, under the same daily cap.
  return grant(reward_for_position(*rules_.checkin, step.reward_position), LedgerKind::checkin,
               DayText(event_.makeup_day).view(), "", true);
}

std::optional<Error> TaskEvents::like() {
  if (!rules_.likes) return refused("like.not_offered", "this programme does not reward likes", "event.type");
  TextSet& liked = state_.tasks.liked;
  const auto place = liked.lower_bound(event_.article);  // found once: the checks below change nothing
  if (place != liked.end() && *place == event_.article) {
    return refused("like.already_rewarded", "a like of this article was rewarded already", "event.article");
  }
  if (rules_.likes->daily_cap > 0 && day().likes >= rules_.likes->daily_cap) {
    return refused("like.daily_cap", "today's rewarded likes are used: " + std::to_string(rules_.likes->daily_cap));
  }
  const auto added = liked.emplace_hint(place, event_.article);
  if (undo_) undo_->task_text_added(&TaskState::liked, added);
  day().likes += 1;
  if (auto e = grant(rules_.likes->reward, LedgerKind::like, event_.article, "", true)) return e;
  return count(TaskAction::like, event_.article);
}

std::optional<Error> TaskEvents::scan() {
  if (!rules_.scans) return refused("scan.not_offered", "this programme does not reward code scans", "event.type");
  const ScanRules& rules = *rules_.scans;
  TextSet& scanned = state_.tasks.scanned;
  const auto place = scanned.lower_bound(event_.code);
  if ((place != scanned.end() && *place == event_.code) ||
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
  const auto added = scanned.emplace_hint(place, event_.code);
  if (undo_) undo_->task_text_added(&TaskState::scanned, added);
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
  if (undo_) undo_->invited_by_set();
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
    if (undo_) undo_->invitee_added();
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
  if (undo_) undo_->invitee_rewarded(static_cast<std::size_t>(it - t.invitees.begin()));
  t.referrals_rewarded += 1;
  return grant(rules.inviter_reward, LedgerKind::referral, invitee, "", true);
}

std::optional<Error> TaskEvents::after_order() {
  TaskState& t = state_.tasks;
  if (rules_.referral && rules_.referral->reward_on == ReferralTrigger::first_order && t.invited_by &&
      !t.invitee_rewarded) {
    tasks_changing();
    t.invitee_rewarded = true;
    notice(NoticeKind::referral_qualified, *t.invited_by);
    if (auto e = grant(rules_.referral->invitee_reward, LedgerKind::referral, *t.invited_by, "", true, "#referral")) {
      return e;
    }
  }
  if (auto e = count(TaskAction::order, event_.order_id)) return e;
  spokesperson_orders();  // last: nothing refuses the order after it (state_undo.hpp)
  return std::nullopt;
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
  if (!box->segments.empty() && !in_segments(box->segments)) {
    return refused("box.segment_required", "this box opens for members of chosen segments", "event.box");
  }
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
  out_.notices.push_back(std::move(n));
  state_.tasks.draws += 1;
  return grant(prize.reward, LedgerKind::box_prize, box->id, prize.id, false);
}

}  // namespace loyalty
