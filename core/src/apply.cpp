#include "loyalty/apply.hpp"

#include <algorithm>
#include <cstdio>
#include <cstdlib>

#include "loyalty/invariants.hpp"
#include "loyalty/order_preview.hpp"
#include "loyalty/points_ledger.hpp"
#include "loyalty/recall.hpp"
#include "loyalty/tier.hpp"
#include "state_undo.hpp"
#include "task_events.hpp"

namespace loyalty {

namespace {

Error refused(std::string code, std::string message, std::string path = "event") {
  return Error{std::move(code), std::move(message), std::move(path)};
}

// The last local day whose evaluation is behind a state brought to `until`.
std::int64_t first_evaluated_day(const Program& program, const MemberState& state, TimeMs until) {
  const std::int32_t offset = program.utc_offset_minutes;
  // A state without history (clock 0) has no evaluations due before now.
  return state.clock == 0 ? local_day_number(until, offset)
                          : std::max(local_day_number(state.clock, offset), local_day_number(state.joined_at, offset));
}

// The earliest time anything falls due: a lot vesting or expiring, a coupon
// expiring, a paid term or a grace period ending, an evaluation (its day in
// `evaluation`), points lapsing for inactivity or the reminder before.
std::optional<TimeMs> next_due(const Program& program, const MemberState& state, std::int64_t evaluated_day,
                               std::optional<std::int64_t>& evaluation) {
  std::optional<TimeMs> next;
  auto consider = [&](std::optional<TimeMs> t) {
    if (t && (!next || *t < *next)) next = t;
  };
  consider(state.lots.next_due());
  if (program.expiry.inactivity) {
    const std::optional<TimeMs> lapse = points_lapse_at(program, state);
    consider(lapse);
    consider(lapse_reminder_at(program, state, lapse));
  }
  for (const HeldCoupon& c : state.tasks.coupons) consider(c.expires_at);
  if (state.paid) consider(state.paid->expires_at);
  if (state.downgrade) consider(state.downgrade->at);
  // The tier held is at least state.tier: the window is read only below it.
  const auto holds_a_tier = [&] { return (state.tier && *state.tier > 0) || held_tier(program, state, state.clock) > 0; };
  if (!state.downgrade && program.qualification.evaluation != Evaluation::none && holds_a_tier()) {
    evaluation = next_evaluation_day(program, state, evaluated_day);
    if (evaluation) consider(start_of_local_day(*evaluation, program.utc_offset_minutes));
  }
  return next;
}

// Brings a state forward to `until`, processing what falls due in time order.
class Timeline {
 public:
  // `undo`, if given, is told of every change before it is made.
  Timeline(const Program& program, MemberState& state, PointsBook& book, std::vector<Notice>& notices,
           StateUndo* undo = nullptr)
      : program_(program), state_(state), book_(book), notices_(notices), undo_(undo) {}

  // Processes everything due up to `until` and forgets the days of activity
  // no window can need; then due() is the next time something would fall
  // due (after `until`), if anything ever does. Orders past the refund
  // window are left to forget_orders(), so that an event can be undone
  // without keeping them aside.
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
      if (program_.expiry.inactivity) lapse_if_inactive(t);
      expire_coupons(t);
      end_paid_membership(t);
      end_grace(t);
      if (evaluation && start_of_local_day(*evaluation, offset) == t) {
        evaluate(*evaluation, t);
        evaluated_day_ = *evaluation;
      }
      state_.clock = std::max(state_.clock, t);
    }
    forget_activity(until);
  }

  std::optional<TimeMs> due() const { return due_; }

  // Forgets the orders whose refund window has closed by `until`.
  void forget_orders(TimeMs until) {
    state_.orders.forget_before(until - program_.refund_window_days * kMsPerDay);
  }

 private:
  void vest_and_expire(TimeMs t) {
    const std::optional<TimeMs> due = state_.lots.next_due();
    if (!due || *due > t) return;
    // The slots due, in room kept on this thread between steps and events:
    // most steps find a lot or two, and allocating for them cost more.
    static thread_local std::vector<Lots::Slot> slots;
    // Lots vest in the order they are held; with no debt, vesting removes no lot.
    state_.lots.vesting_by(t, slots);
    for (Lots::Slot slot : slots) {
      if (state_.debt > 0) {
        vest_by_position(slot, t);
        break;
      }
      book_.vest(slot, *state_.lots[slot].vests_at);
    }
    // Expiring a lot takes only its own points.
    state_.lots.expiring_by(t, slots);
    if (!slots.empty()) book_.expire_due(slots);
  }

  // Every lot lapses at once, each in its own ledger row; the time without
  // activity then counts from the lapse. The reminder comes first, once.
  void lapse_if_inactive(TimeMs t) {
    const std::optional<TimeMs> lapse = points_lapse_at(program_, state_);
    const std::optional<TimeMs> reminder = lapse_reminder_at(program_, state_, lapse);
    if (reminder && *reminder == t) {
      notices_.push_back({NoticeKind::points_lapsing, t, std::nullopt, std::nullopt, lapse,
                          state_.available_points() + state_.pending_points()});
    }
    if (!lapse || *lapse > t) return;
    const std::int64_t points = book_.lapse(t);
    state_.points_active_at = t;
    notices_.push_back({NoticeKind::points_lapsed, t, std::nullopt, std::nullopt, std::nullopt, points});
  }

  // Vesting that pays debt may remove lots held before the next one to vest.
  // The lots have always vested as a list walked by position, where such a
  // removal moves the lots after it one place back, and the walk passes over
  // as many (they vest on the next pass, at the same time): kept exactly, at
  // a cost in the lots held, only while there is debt to pay.
  void vest_by_position(Lots::Slot from, TimeMs t) {
    const auto position_of = [&](Lots::Slot slot) {
      std::size_t held_before = 0;
      for (auto it = state_.lots.begin(); it != state_.lots.end() && it.slot() < slot; ++it) ++held_before;
      return held_before;
    };
    const auto slot_at = [&](std::size_t position) {
      auto it = state_.lots.begin();
      for (; it != state_.lots.end() && position > 0; ++it) --position;
      return it;
    };
    for (auto it = slot_at(position_of(from)); it != state_.lots.end();) {
      if (!it->vests_at || *it->vests_at > t) {
        ++it;
        continue;
      }
      const std::size_t position = position_of(it.slot());
      book_.vest(it.slot(), *it->vests_at);
      it = slot_at(position + 1);
    }
  }

  void expire_coupons(TimeMs t) {
    std::vector<HeldCoupon>& coupons = state_.tasks.coupons;
    const auto due = [&](const HeldCoupon& c) { return c.expires_at <= t; };
    if (std::none_of(coupons.begin(), coupons.end(), due)) return;
    if (undo_) undo_->coupons_changing();
    for (const HeldCoupon& c : coupons) {
      if (c.expires_at > t) continue;
      LedgerEntry e{"", c.expires_at, LedgerKind::coupon_expired, 0, 0, 0, "", "", ""};
      e.coupon = c.coupon;
      e.subject = c.event_id;  // the event that granted it
      book_.append(std::move(e));
    }
    coupons.erase(std::remove_if(coupons.begin(), coupons.end(), due), coupons.end());
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

  void forget_activity(TimeMs until) {
    const Qualification& q = program_.qualification;
    // A window ends at most a day back (evaluation) and spans at most a year and a day.
    const std::int64_t span = q.window == WindowKind::rolling_days ? q.window_days + 1 : 367 + 1;
    const std::int64_t keep_from = local_day_number(until, program_.utc_offset_minutes) - span;
    if (state_.activity.empty() || state_.activity[0].day >= keep_from) return;
    std::vector<ActivityDay> gone = state_.activity.forget_before(keep_from);
    if (undo_) undo_->activity_pruned(std::move(gone));
  }

  const Program& program_;
  MemberState& state_;
  PointsBook& book_;
  std::vector<Notice>& notices_;
  StateUndo* undo_;
  std::int64_t evaluated_day_ = 0;
  std::optional<TimeMs> due_;
};

// Everything one event does, in place; on an error `undo` puts back what it changed.
class Transition {
 public:
  Transition(const Program& program, const Event& event, MemberState& state, Applied& out, StateUndo& undo)
      : program_(program), event_(event), out_(out), state_(state), undo_(undo),
        book_(state, out.ledger, event.id, &undo) {}

  std::optional<Errors> run() {
    // From the first event under a programme whose points lapse, the time
    // counts from a moment of its own, which only activity moves.
    if (program_.expiry.inactivity && !state_.points_active_at) state_.points_active_at = points_active_since(state_);
    Timeline timeline(program_, state_, book_, out_.notices, &undo_);
    timeline.run(event_.at);
    const TierStanding before = tier_standing(program_, state_, event_.at);
    const std::size_t first_row = out_.ledger.size();  // the event's own rows follow
    std::optional<Error> error;
    switch (event_.kind) {
      case EventKind::order: error = order(); break;
      case EventKind::refund: error = refund(); break;
      case EventKind::redeem: error = redeem(); break;
      case EventKind::birthday: error = birthday(); break;
      case EventKind::paid_membership: paid_membership(); break;
      case EventKind::time_passes: break;
      case EventKind::tag: error = tag(); break;
      case EventKind::adjust: error = adjust(); break;
      default: error = TaskEvents(program_, event_, state_, out_, book_, &undo_).run(); break;
    }
    if (!error && event_.kind == EventKind::order) {
      error = TaskEvents(program_, event_, state_, out_, book_, &undo_).after_order();
    }
    if (error) {
      Errors errors;  // moved in: Errors{*error} copies from its initializer list
      errors.push_back(std::move(*error));
      return errors;
    }
    const bool had_downgrade = state_.downgrade.has_value();
    if (auto from = upgrade_if_qualified(program_, state_, event_.at, before)) {
      out_.notices.push_back({NoticeKind::tier_upgraded, event_.at, *from, state_.tier, std::nullopt, std::nullopt});
    }
    if (had_downgrade && !state_.downgrade) {
      out_.notices.push_back({NoticeKind::downgrade_cancelled, event_.at, state_.tier, state_.tier, std::nullopt, std::nullopt});
    }
    if (program_.expiry.inactivity && keeps_points_active(*program_.expiry.inactivity, first_row)) {
      state_.points_active_at = event_.at;
    }
    state_.clock = event_.at;
    state_.version += 1;
    timeline.forget_orders(event_.at);
    return std::nullopt;
  }

 private:
  std::int64_t today() const { return local_day_number(event_.at, program_.utc_offset_minutes); }

  // Whether the event, by the ledger rows it wrote from `first_row`, is
  // activity that keeps points from lapsing.
  bool keeps_points_active(const InactivityExpiry& rule, std::size_t first_row) const {
    if (rule.counts == InactivityActivity::any_event) return event_.kind != EventKind::time_passes;
    if (rule.counts == InactivityActivity::order) return event_.kind == EventKind::order;
    const bool spends_too = rule.counts == InactivityActivity::earn_or_spend;
    for (std::size_t i = first_row; i < out_.ledger.size(); ++i) {
      const LedgerEntry& row = out_.ledger[i];
      switch (row.kind) {
        case LedgerKind::earn: case LedgerKind::birthday_gift: case LedgerKind::checkin: case LedgerKind::like:
        case LedgerKind::scan: case LedgerKind::referral: case LedgerKind::task: case LedgerKind::box_prize:
        case LedgerKind::spokesperson:
          if (row.available + row.pending > 0) return true;
          break;
        case LedgerKind::debt_settled:  // points earned went to the debt
          return true;
        case LedgerKind::checkout: case LedgerKind::redeem: case LedgerKind::makeup: case LedgerKind::box_cost:
        case LedgerKind::mall_redeem:
          if (spends_too && row.available < 0) return true;
          break;
        default: break;
      }
    }
    return false;
  }

  // The order held for refunds with this id, if its refund window is open
  // (orders past it are forgotten once the event is accepted).
  OrderRecord* held_order(const std::string& order_id) {
    return state_.orders.find(order_id, event_.at - program_.refund_window_days * kMsPerDay);
  }

  void add_activity_of(std::int64_t day, std::int64_t growth, std::int64_t spend, std::int64_t orders) {
    undo_.activity_changing(day);
    add_activity(program_, state_, day, growth, spend, orders);
  }

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
    if (held_order(event_.order_id)) {
      return refused("order.duplicate", "order \"" + event_.order_id + "\" is already recorded", "event.order_id");
    }
    // The sums the order keeps, without the rule-by-rule steps a preview shows.
    auto priced = price_order(program_, state_, pricing_context(program_, state_, event_.at), event_.cart, Detail::sums);
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
    add_activity_of(today(), p.growth, p.spend, 1);
    keep_open_recall(program_, state_, event_.at, /*used=*/true);
    state_.last_activity_at = event_.at;

    record.order_id = event_.order_id;
    record.at = event_.at;
    record.paid = p.paid;
    record.points = p.points;
    record.growth = p.growth;
    record.lines.reserve(p.lines.size());
    for (const LinePreview& lp : p.lines) {
      record.lines.push_back({lp.line.sku, lp.line.category, lp.line.quantity, lp.paid, lp.points, 0});
    }
    state_.orders.push_back(std::move(record));
    undo_.order_added();
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
    OrderRecord* held = held_order(event_.order_id);
    if (!held) {
      return refused("refund.unknown_order", "no order \"" + event_.order_id + "\" within the refund window",
                     "event.order_id");
    }
    // Checked in full above: from here a refund changes the order and cannot fail.
    OrderRecord& o = *held;
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
    // Growth and tier spend come back only for lines whose category earns, as they were only counted for those.
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
    add_activity_of(local_day_number(o.at, program_.utc_offset_minutes), -growth_back, -spend_back, full ? -1 : 0);
    return std::nullopt;
  }

  // Points spent on the order come back with their original earning time and
  // expiry (PointsBook::give_back), after those returned by earlier refunds.
  void return_checkout_points(const OrderRecord& o, std::int64_t points) {
    book_.give_back(o.redeemed, o.redeemed_returned - points, points, LedgerKind::returned, o.order_id, event_.at);
  }

  // The operator's tags: checked whole before any changes, so a refused
  // event changes nothing; a row for each tag that comes or goes.
  std::optional<Error> tag() {
    TextSet& tags = state_.tags;
    for (const std::string& t : event_.tags_add) {
      if (std::find(event_.tags_remove.begin(), event_.tags_remove.end(), t) != event_.tags_remove.end()) {
        return refused("tags.add_and_remove", "\"" + t + "\" is both added and removed", "event.remove");
      }
    }
    std::size_t after = tags.size();
    for (const std::string& t : event_.tags_add) after += tags.count(t) ? 0 : 1;
    for (const std::string& t : event_.tags_remove) after -= tags.count(t) ? 1 : 0;
    if (after > kMaxTags) {
      return refused("tags.too_many", "a member holds at most " + std::to_string(kMaxTags) + " tags", "event.add");
    }
    for (const std::string& t : event_.tags_add) {
      if (!tags.insert(t).second) continue;
      out_.ledger.push_back({event_.id, event_.at, LedgerKind::tag_added, 0, 0, 0, "", "", ""});
      out_.ledger.back().subject = t;
    }
    for (const std::string& t : event_.tags_remove) {
      if (tags.erase(t) == 0) continue;
      out_.ledger.push_back({event_.id, event_.at, LedgerKind::tag_removed, 0, 0, 0, "", "", ""});
      out_.ledger.back().subject = t;
    }
    return std::nullopt;
  }

  // Customer service's adjustment, with its reason on every row: points
  // added as a lot that vests at once and expires as earned points do, or
  // taken from the spendable lots in spending order; growth added or taken
  // back on today's activity. Checked whole first, so a refused adjustment
  // changes nothing. Not the member's own activity: it keeps no points from
  // lapsing and opens no recall offer.
  std::optional<Error> adjust() {
    if (event_.points == 0 && event_.growth == 0) {
      return refused("adjust.nothing", "an adjustment changes points or growth", "event");
    }
    if (event_.points < 0 && state_.available_points() < -event_.points) return insufficient(-event_.points, "event.points");
    if (event_.growth < 0 && state_.growth < -event_.growth) {
      return refused("adjust.growth_below_zero",
                     "the member has " + std::to_string(state_.growth) + " growth; an adjustment cannot take more",
                     "event.growth");
    }
    std::int64_t growth = state_.growth;
    std::int64_t points = state_.available_points();
    if (!checked_add(growth, event_.growth) || !checked_add(points, event_.points)) {
      return refused("arith.overflow", "the member's balances would leave the safe integer range");
    }
    const std::size_t first_row = out_.ledger.size();
    if (event_.points > 0) {
      book_.add({event_.id, event_.at, event_.points, expiry_for(program_, event_.at), std::nullopt, {}}, LedgerKind::adjust,
                event_.at);
    } else if (event_.points < 0) {
      book_.spend(-event_.points, event_.at, LedgerKind::adjust, "", "");
    } else {
      out_.ledger.push_back({event_.id, event_.at, LedgerKind::adjust, 0, 0, 0, "", "", ""});
    }
    bool growth_noted = false;
    for (std::size_t i = first_row; i < out_.ledger.size(); ++i) {
      LedgerEntry& row = out_.ledger[i];
      if (row.kind != LedgerKind::adjust) continue;  // debt paid from added points
      row.subject = event_.reason;
      if (!growth_noted) row.growth = event_.growth;
      growth_noted = true;
    }
    if (event_.growth != 0) {
      state_.growth = growth;
      add_activity_of(today(), event_.growth, 0, 0);
    }
    return std::nullopt;
  }

  std::optional<Error> redeem() {
    if (state_.available_points() < event_.points) return insufficient(event_.points, "event.points");
    book_.spend(event_.points, event_.at, LedgerKind::redeem, "", event_.reward_id);
    keep_open_recall(program_, state_, event_.at, /*used=*/false);
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
      book_.add({event_.id, event_.at, gift, expiry_for(program_, event_.at), std::nullopt, {}}, LedgerKind::birthday_gift,
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
    keep_open_recall(program_, state_, event_.at, /*used=*/false);
    state_.last_activity_at = event_.at;
  }

  const Program& program_;
  const Event& event_;
  Applied& out_;
  MemberState& state_;
  StateUndo& undo_;
  PointsBook book_;
};

}  // namespace

Result<BroughtState> bring_to(const Program& program, const MemberState& state, TimeMs at) {
  BroughtState out{state, std::nullopt};
  auto due = bring_forward(program, out.state, at);
  if (!due.ok()) return due.errors();
  out.due = due.value();
  return out;
}

Result<std::optional<TimeMs>> bring_forward(const Program& program, MemberState& state, TimeMs at) {
  if (at < state.clock) {
    return refused("event.out_of_order", "the state is already at " + std::to_string(state.clock) +
                   "; time does not go back", "at");
  }
  std::vector<LedgerEntry> ledger;
  std::vector<Notice> notices;
  const std::string no_event;
  PointsBook book(state, ledger, no_event);
  Timeline timeline(program, state, book, notices);
  timeline.run(at);
  timeline.forget_orders(at);
  return timeline.due();
}

Result<MemberState> state_at(const Program& program, const MemberState& state, TimeMs at) {
  auto brought = bring_to(program, state, at);
  if (!brought.ok()) return brought.errors();
  return std::move(brought).value().state;
}

std::optional<TimeMs> first_due(const Program& program, const MemberState& state, TimeMs at) {
  std::optional<std::int64_t> evaluation;
  return next_due(program, state, first_evaluated_day(program, state, at), evaluation);
}

std::optional<Errors> apply_in_place(const Program& program, MemberState& state, const Event& event, Applied& out) {
  out.ledger.clear();
  out.notices.clear();
  const std::uint32_t event_hash = RecentEvents::hash(event.id);  // once: for the retry check and the ring
  out.duplicate = state.recent_events.contains(event.id, event_hash);
  if (out.duplicate) return std::nullopt;
  if (event.at < state.clock) {
    return Errors{refused("event.out_of_order",
                          "the state is already at " + std::to_string(state.clock) + "; events must come in time order",
                          "event.at")};
  }
  if (event.kind == EventKind::paid_membership && !program.paid_membership) {
    return Errors{refused("paid_membership.not_offered", "this programme has no paid membership", "event.type")};
  }
#ifdef LOYALTY_CHECK_INVARIANTS
  const bool held_invariants = check_invariants(program, state).empty();
#endif
  // Most events write a row or a few; time passing mostly writes none. Three
  // rows (888 bytes) stay within glibc's per-thread cache of small blocks
  // (up to 1,032 bytes), which four would not.
  if (event.kind != EventKind::time_passes && out.ledger.capacity() < 3) out.ledger.reserve(3);
  state.lots.prepare();
  StateUndo undo(state);
  auto errors = Transition(program, event, state, out, undo).run();
  if (errors) undo.undo();
  state.lots.compact_if_sparse();  // slots may change now: the notes of this event are done with
#ifdef LOYALTY_CHECK_INVARIANTS
  if (!state.lots.indexes_agree()) {
    std::fprintf(stderr, "event %s left the lots' indexes out of step with the lots\n", event.id.c_str());
    std::abort();
  }
#endif
  if (errors) {
    out.ledger.clear();
    out.notices.clear();
    return errors;
  }
  state.recent_events.push_back(event.id, event_hash);
#ifdef LOYALTY_CHECK_INVARIANTS
  if (held_invariants) {
    const Errors broken = check_invariants(program, state);
    if (!broken.empty()) {
      std::fprintf(stderr, "event %s broke %s at %s: %s\n", event.id.c_str(), broken[0].code.c_str(),
                   broken[0].path.c_str(), broken[0].message.c_str());
      std::abort();
    }
  }
#endif
  return std::nullopt;
}

Result<Applied> apply_in_place(const Program& program, MemberState& state, const Event& event) {
  Applied out;
  if (auto errors = apply_in_place(program, state, event, out)) return *std::move(errors);
  return out;
}

Result<Outcome> apply(const Program& program, const MemberState& state, const Event& event) {
  Outcome out;
  out.state = state;
  auto applied = apply_in_place(program, out.state, event);
  if (!applied.ok()) return applied.errors();
  Applied a = std::move(applied).value();
  out.ledger = std::move(a.ledger);
  out.notices = std::move(a.notices);
  out.duplicate = a.duplicate;
  return out;
}

}  // namespace loyalty
