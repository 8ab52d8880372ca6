// Structs -> JSON for hosts: compact, keys sorted, the same bytes on every
// host, streamed by JsonWriter (the programme too: no tree is built).
#include "loyalty/json_codec.hpp"
#include "task_json.hpp"
#include "writers.hpp"

namespace loyalty {

namespace {

// Every number is written as int64: the narrower fields would otherwise pick
// JsonWriter's bool overload.
std::int64_t n(std::int64_t v) { return v; }

void write_rate(JsonWriter& w, const EarnRate& rate) {
  w.begin_object().field("earn", n(rate.earn)).field("per_minor", n(rate.per_minor))
      .field("rounding", rounding_name(rate.rounding)).end_object();
}

// Metrics by name, in the order their names sort.
void write_requirement(JsonWriter& w, const Requirement& r) {
  w.begin_object();
  for (Metric m : {Metric::growth, Metric::orders, Metric::spend}) {
    if (r[m]) w.field(metric_name(m), n(*r[m]));
  }
  w.end_object();
}

void write_tier(JsonWriter& w, const Tier& t) {
  w.begin_object().field("birthday_points", n(t.birthday_points)).field("discount_bp", n(t.discount_bp))
      .field("id", std::string_view(t.id));
  write_localized(w.key("name"), t.name);
  w.field("paid_only", t.paid_only);
  w.key("perks").begin_array();
  for (const std::string& perk : t.perks) w.value(std::string_view(perk));
  w.end_array().field("points_multiplier_bp", n(t.points_multiplier_bp));
  write_requirement(w.key("qualify"), t.qualify);
  write_requirement(w.key("retain"), t.retain);
  w.end_object();
}

void write_earning(JsonWriter& w, const Program& p) {
  w.begin_object();
  if (p.birthday) {
    w.key("birthday").begin_object().field("multiplier_bp", n(p.birthday->multiplier_bp))
        .field("scope", std::string_view(p.birthday->scope == BirthdayScope::day ? "day" : "month")).end_object();
  }
  w.key("campaigns").begin_array();
  for (const Campaign& c : p.campaigns) {
    w.begin_object();
    if (!c.categories.empty()) {
      w.key("categories").begin_array();
      for (std::size_t i : c.categories) w.value(std::string_view(p.categories[i].id));
      w.end_array();
    }
    w.field("from", DayText(c.from_day).view()).field("id", std::string_view(c.id))
        .field("multiplier_bp", n(c.multiplier_bp));
    write_segment_list(w, p, c.segments);
    w.field("to", DayText(c.to_day).view()).end_object();
  }
  w.end_array().key("caps").begin_array();
  for (const EarnCap& c : p.caps) {
    w.begin_object().field("period", std::string_view(c.period == CapPeriod::day ? "day" : "month"))
        .field("points", n(c.points)).end_object();
  }
  w.end_array().key("categories").begin_array();
  for (const Category& c : p.categories) {
    w.begin_object().field("earns", c.earns).field("id", std::string_view(c.id)).field("multiplier_bp", n(c.multiplier_bp));
    if (!c.name.empty()) write_localized(w.key("name"), c.name);
    w.end_object();
  }
  w.end_array().field("combine", std::string_view(p.combine == MultiplierCombine::add ? "add" : "multiply"));
  if (p.growth) write_rate(w.key("growth"), *p.growth);
  w.field("pending_days", n(p.pending_days));
  write_rate(w.key("points"), p.points);
  w.key("skus").begin_array();
  for (const SkuMultiplier& s : p.skus) {
    w.begin_object().field("id", std::string_view(s.id)).field("multiplier_bp", n(s.multiplier_bp)).end_object();
  }
  w.end_array().end_object();
}

void write_qualification(JsonWriter& w, const Qualification& q) {
  static const char* windows[] = {"lifetime", "rolling_days", "calendar_year", "anniversary_year"};
  static const char* evaluations[] = {"none", "rolling_daily", "calendar_year_end", "anniversary"};
  w.begin_object().field("combine", std::string_view(q.all ? "all" : "any"))
      .field("downgrade", std::string_view(q.downgrade == Downgrade::one_tier ? "one_tier" : "recompute"))
      .field("evaluation", std::string_view(evaluations[static_cast<int>(q.evaluation)]))
      .field("grace_days", n(q.grace_days));
  w.key("window").begin_object();
  if (q.window == WindowKind::rolling_days) w.field("days", n(q.window_days));
  w.field("kind", std::string_view(windows[static_cast<int>(q.window)])).end_object();
  w.end_object();
}

void write_expiry(JsonWriter& w, const Expiry& e) {
  static const char* policies[] = {"never", "days", "period_end"};
  static const char* periods[] = {"month", "quarter", "year"};
  static const char* counts[] = {"earn_or_spend", "earn", "order", "any_event"};
  w.begin_object();  // keys in order
  if (e.policy == ExpiryPolicy::days) w.field("days", n(e.days));
  if (e.inactivity) {
    const InactivityExpiry& in = *e.inactivity;
    w.key("inactivity").begin_object().field("counts", std::string_view(counts[static_cast<int>(in.counts)]));
    if (in.days) w.field("days", n(in.days));
    if (in.months) w.field("months", n(in.months));
    w.field("remind_days", n(in.remind_days)).end_object();
  }
  if (e.policy == ExpiryPolicy::period_end) {
    w.field("period", std::string_view(periods[static_cast<int>(e.period)])).field("periods", n(e.periods));
  }
  w.field("policy", std::string_view(policies[static_cast<int>(e.policy)])).end_object();
}

}  // namespace

void write_localized(JsonWriter& w, const LocalizedText& text) {
  w.begin_object();
  for (const auto& [locale, s] : text) w.field(locale, std::string_view(s));
  w.end_object();
}

void write_lifecycle(JsonWriter& w, const Lifecycle& l) {
  w.begin_object().field("lost_days", n(l.lost_days)).field("new_days", n(l.new_days));
  if (!l.recall.empty()) {
    w.key("recall").begin_array();
    for (const RecallOffer& offer : l.recall) {
      w.begin_object().field("days", n(offer.days)).field("id", std::string_view(offer.id))
          .field("multiplier_bp", n(offer.multiplier_bp));
      if (!offer.name.empty()) write_localized(w.key("name"), offer.name);
      w.field("stage", lifecycle_stage_name(offer.stage)).end_object();
    }
    w.end_array();
  }
  w.field("silent_days", n(l.silent_days)).field("sleeping_days", n(l.sleeping_days)).end_object();
}

namespace {

void write_migration(JsonWriter& w, const Program& p) {
  auto write_map = [&w](const char* key, const std::map<std::string, std::size_t, std::less<>>& map, auto id_of) {
    if (map.empty()) return;
    w.key(key).begin_object();
    for (const auto& [old_id, index] : map) w.field(old_id, std::string_view(id_of(index)));
    w.end_object();
  };
  w.begin_object();
  write_map("categories", p.migrate.categories, [&p](std::size_t i) -> const std::string& { return p.categories[i].id; });
  write_map("tiers", p.migrate.tiers, [&p](std::size_t i) -> const std::string& { return p.tiers[i].id; });
  w.end_object();
}

}  // namespace

// Keys in ascending order, as everywhere (JsonWriter checks it).
std::string program_json(const Program& p) {
  JsonWriter w;
  w.begin_object();
  w.key("currency").begin_object().field("code", std::string_view(p.currency.code))
      .field("minor_units", n(p.currency.minor_units)).end_object();
  w.key("discount").begin_object().field("rounding", rounding_name(p.discount_rounding)).end_object();
  write_earning(w.key("earning"), p);
  if (p.experiment) write_experiment(w.key("experiment"), *p.experiment);
  write_expiry(w.key("expiry"), p.expiry);
  w.field("id", std::string_view(p.id));
  write_lifecycle(w.key("lifecycle"), p.lifecycle);
  if (!p.mall.items.empty()) write_mall_rules(w.key("mall"), p);
  if (!p.migrate.empty()) write_migration(w.key("migrate"), p);
  write_localized(w.key("name"), p.name);
  if (p.paid_membership) {
    w.key("paid_membership").begin_object().field("days", n(p.paid_membership->days))
        .field("tier", std::string_view(p.tiers[p.paid_membership->tier].id)).end_object();
  }
  write_qualification(w.key("qualification"), p.qualification);
  if (p.redemption) {
    const Redemption& r = *p.redemption;
    w.key("redemption").begin_object().field("max_share_bp", n(r.max_share_bp)).field("minimum", n(r.minimum))
        .field("points_per_unit", n(r.points_per_unit)).field("step", n(r.step)).field("unit_minor", n(r.unit_minor))
        .end_object();
  }
  w.key("refunds").begin_object()
      .field("shortfall", std::string_view(p.shortfall == Shortfall::debt ? "debt" : "negative_balance"))
      .field("window_days", n(p.refund_window_days)).end_object();
  w.field("schema_version", n(p.schema));
  if (!p.segments.empty()) write_segments(w.key("segments"), p);
  w.key("sync").begin_object().field("claimed_time_skew_seconds", n(p.sync.claimed_time_skew_seconds)).end_object();
  if (p.tasks.any()) write_task_rules(w.key("tasks"), p);
  w.key("tiers").begin_array();
  for (const Tier& t : p.tiers) write_tier(w, t);
  w.end_array().field("utc_offset_minutes", n(p.utc_offset_minutes)).field("version", n(p.version));
  w.end_object();
  return w.take();
}

namespace {


void write_needs(JsonWriter& w, const std::vector<MetricNeed>& needs) {
  w.begin_array();
  for (const MetricNeed& n : needs) {
    w.begin_object(TapeShape::need).field("have", n.have).field("metric", metric_name(n.metric))
        .field("missing", n.missing).field("need", n.need).end_object();
  }
  w.end_array();
}

void write_tier_or_null(JsonWriter& w, const Program& program, const std::optional<std::size_t>& tier) {
  if (tier) w.value(std::string_view(program.tiers[*tier].id));
  else w.null();
}

const char* step_rule(EarnStepKind kind) {
  switch (kind) {
    case EarnStepKind::base: return "base";
    case EarnStepKind::category: return "category";
    case EarnStepKind::sku: return "sku";
    case EarnStepKind::campaign: return "campaign";
    case EarnStepKind::birthday: return "birthday";
    case EarnStepKind::recall: return "recall";
    case EarnStepKind::tier: return "tier";
    case EarnStepKind::clamp_zero: return "clamp_zero";
    case EarnStepKind::not_earning: return "not_earning";
  }
  return "base";
}

void write_step(JsonWriter& w, const Program& program, const EarnStep& step) {
  std::string_view id;
  switch (step.kind) {
    case EarnStepKind::category:
    case EarnStepKind::not_earning: id = program.categories[step.ref].id; break;
    case EarnStepKind::sku: id = program.skus[step.ref].id; break;
    case EarnStepKind::campaign: id = program.campaigns[step.ref].id; break;
    case EarnStepKind::recall: id = program.lifecycle.recall[step.ref].id; break;
    case EarnStepKind::tier: id = program.tiers[step.ref].id; break;
    default: break;
  }
  const bool rated = step.kind != EarnStepKind::base && step.kind != EarnStepKind::clamp_zero &&
                     step.kind != EarnStepKind::not_earning;
  if (!rated) w.begin_object(id.empty() ? TapeShape::step : TapeShape::step_with_id);
  else if (!id.empty()) w.begin_object(TapeShape::rated_step);
  else w.begin_object();
  if (!id.empty()) w.field("id", id);
  if (rated) w.field("multiplier_bp", step.multiplier_bp);
  w.field("points", step.points).field("rule", std::string_view(step_rule(step.kind)));
  w.end_object();
}

void write_line(JsonWriter& w, const Program& program, const LinePreview& lp) {
  w.begin_object(TapeShape::line);
  w.field("category", std::string_view(program.categories[lp.line.category].id))
      .field("discount", lp.discount)
      .field("paid", lp.paid)
      .field("points", lp.points)
      .field("quantity", lp.line.quantity)
      .field("sku", std::string_view(lp.line.sku));
  w.key("steps").begin_array();
  for (const EarnStep& step : lp.steps) write_step(w, program, step);
  w.end_array();
  w.field("subtotal", lp.subtotal).field("unit_price", lp.line.unit_price);
  w.end_object();
}

const char* ledger_kind(LedgerKind kind) {
  switch (kind) {
    case LedgerKind::earn: return "earn";
    case LedgerKind::vest: return "vest";
    case LedgerKind::expire: return "expire";
    case LedgerKind::checkout: return "checkout";
    case LedgerKind::redeem: return "redeem";
    case LedgerKind::clawback: return "clawback";
    case LedgerKind::debt: return "debt";
    case LedgerKind::debt_settled: return "debt_settled";
    case LedgerKind::returned: return "returned";
    case LedgerKind::birthday_gift: return "birthday_gift";
    case LedgerKind::checkin: return "checkin";
    case LedgerKind::makeup: return "makeup";
    case LedgerKind::like: return "like";
    case LedgerKind::scan: return "scan";
    case LedgerKind::referral: return "referral";
    case LedgerKind::task: return "task";
    case LedgerKind::box_cost: return "box_cost";
    case LedgerKind::box_prize: return "box_prize";
    case LedgerKind::coupon_expired: return "coupon_expired";
    case LedgerKind::mall_redeem: return "mall_redeem";
    case LedgerKind::mall_cancel: return "mall_cancel";
    case LedgerKind::tag_added: return "tag_added";
    case LedgerKind::tag_removed: return "tag_removed";
    case LedgerKind::spokesperson: return "spokesperson";
    case LedgerKind::adjust: return "adjust";
  }
  return "earn";
}

const char* notice_kind(NoticeKind kind) {
  switch (kind) {
    case NoticeKind::tier_upgraded: return "tier_upgraded";
    case NoticeKind::tier_downgraded: return "tier_downgraded";
    case NoticeKind::downgrade_scheduled: return "downgrade_scheduled";
    case NoticeKind::downgrade_cancelled: return "downgrade_cancelled";
    case NoticeKind::paid_started: return "paid_started";
    case NoticeKind::paid_renewed: return "paid_renewed";
    case NoticeKind::paid_expired: return "paid_expired";
    case NoticeKind::points_capped: return "points_capped";
    case NoticeKind::checked_in: return "checked_in";
    case NoticeKind::streak_restored: return "streak_restored";
    case NoticeKind::task_completed: return "task_completed";
    case NoticeKind::box_opened: return "box_opened";
    case NoticeKind::referral_qualified: return "referral_qualified";
    case NoticeKind::referral_capped: return "referral_capped";
    case NoticeKind::points_lapsing: return "points_lapsing";
    case NoticeKind::points_lapsed: return "points_lapsed";
    case NoticeKind::spokesperson_friend: return "spokesperson_friend";
    case NoticeKind::spokesperson_capped: return "spokesperson_capped";
  }
  return "tier_upgraded";
}

}  // namespace

// Keys in ascending order in every object below (JsonWriter checks it).
void write_progress(JsonWriter& w, const Program& program, const TierProgress& p) {
  if (p.downgrade || p.paid) w.begin_object();
  else w.begin_object(TapeShape::progress);
  if (p.downgrade) {
    w.key("downgrade").begin_object().field("at", p.downgrade->at)
        .field("to", std::string_view(program.tiers[p.downgrade->to].id)).end_object();
  }
  w.key("drop_to");
  write_tier_or_null(w, program, p.drop_to);
  w.key("evaluation_date");
  if (p.evaluation_day) w.value(DayText(*p.evaluation_day).view());
  else w.null();
  w.field("held_tier", std::string_view(program.tiers[p.held_tier].id));
  w.key("needs");
  write_needs(w, p.needs);
  w.key("next_tier");
  write_tier_or_null(w, program, p.next_tier);
  if (p.paid) {
    w.key("paid").begin_object().field("expires_at", p.paid->expires_at)
        .field("tier", std::string_view(program.tiers[p.paid->tier].id)).end_object();
  }
  w.field("permille", std::int64_t{p.permille});
  w.key("retain_needs");
  write_needs(w, p.retain_needs);
  w.key("spend_needed");
  if (p.spend_needed) w.value(*p.spend_needed);
  else w.null();
  w.field("tier", std::string_view(program.tiers[p.tier].id));
  w.end_object();
}

void write_ledger(JsonWriter& w, const std::vector<LedgerEntry>& ledger) {
  // Task columns appear only on rows that move them, so points rows stay as they were.
  auto nonzero = [&](std::string_view key, std::int64_t v) {
    if (v != 0) w.field(key, v);
  };
  auto text = [&](std::string_view key, const std::string& v) {
    if (!v.empty()) w.field(key, std::string_view(v));
  };
  w.begin_array();
  for (const LedgerEntry& e : ledger) {
    w.begin_object().field("at", e.at).field("available", e.available);
    nonzero("box_chances", e.box_chances);
    text("coupon", e.coupon);
    w.field("debt", e.debt).field("event_id", std::string_view(e.event_id));
    nonzero("growth", e.growth);
    w.field("kind", std::string_view(ledger_kind(e.kind)));
    text("lot", e.lot);
    nonzero("makeup_cards", e.makeup_cards);
    text("order_id", e.order_id);
    w.field("pending", e.pending);
    text("prize", e.prize);
    nonzero("red_packet", e.red_packet);
    text("reward_id", e.reward_id);
    text("subject", e.subject);
    w.end_object();
  }
  w.end_array();
}

void write_notices(JsonWriter& w, const Program& program, const std::vector<Notice>& notices) {
  w.begin_array();
  for (const Notice& n : notices) {
    w.begin_object();
    if (n.action) w.field("action", std::string_view(friend_action_name(*n.action)));
    w.field("at", n.at);
    if (n.from_tier) w.field("from", std::string_view(program.tiers[*n.from_tier].id));
    w.field("kind", std::string_view(notice_kind(n.kind)));
    if (n.nonce) w.field("nonce", *n.nonce);
    if (n.points) w.field("points", *n.points);
    if (n.position) w.field("position", *n.position);
    if (!n.prize.empty()) w.field("prize", std::string_view(n.prize));
    if (n.streak) w.field("streak", *n.streak);
    if (!n.subject.empty()) w.field("subject", std::string_view(n.subject));
    if (n.to_tier) w.field("to", std::string_view(program.tiers[*n.to_tier].id));
    if (n.until) w.field("until", *n.until);
    w.end_object();
  }
  w.end_array();
}

void write_balances(JsonWriter& w, const Program& program, const MemberState& s) {
  const std::int64_t available = s.available_points();
  const std::int64_t balance = program.shortfall == Shortfall::negative_balance ? available - s.debt : available;
  w.begin_object().field("available", available).field("balance", balance).field("debt", s.debt)
      .field("pending", s.pending_points()).end_object();
}

std::string progress_json(const Program& program, const TierProgress& progress, TapeStrings* tape) {
  JsonWriter w(tape);
  write_progress(w, program, progress);
  return w.take();
}

std::string preview_json(const Program& program, const OrderPreview& preview, TapeStrings* tape) {
  JsonWriter w(tape);
  if (preview.vests_at) w.begin_object();
  else w.begin_object(preview.expires_at ? TapeShape::expiring_preview : TapeShape::preview);
  w.field("at", preview.at);
  w.key("caps").begin_array();
  for (const CapCut& cut : preview.caps) {
    w.begin_object(TapeShape::cap).field("cut", cut.cut).field("limit", cut.limit)
        .field("period", std::string_view(cut.period == CapPeriod::day ? "day" : "month"))
        .field("used_before", cut.used_before).end_object();
  }
  w.end_array();
  w.field("discount", preview.discount);
  if (preview.expires_at) w.field("expires_at", *preview.expires_at);
  w.field("growth", preview.growth).field("line_points", preview.line_points);
  w.key("lines").begin_array();
  for (const LinePreview& lp : preview.lines) write_line(w, program, lp);
  w.end_array();
  w.field("local_date", std::string_view(preview.local_date.iso()))
      .field("paid", preview.paid)
      .field("points", preview.points);
  w.key("progress");
  write_progress(w, program, preview.progress);
  w.key("progress_after");
  write_progress(w, program, preview.progress_after);
  w.field("subtotal", preview.subtotal).field("tier", std::string_view(program.tiers[preview.tier].id));
  if (preview.vests_at) w.field("vests_at", *preview.vests_at);
  w.end_object();
  return w.take();
}

std::string listing_json(const Program& program, const ListingPreview& listing) {
  JsonWriter w;
  w.begin_object().key("points").begin_array();
  for (std::int64_t p : listing.points) w.value(p);
  w.end_array().field("tier", std::string_view(program.tiers[listing.tier].id)).end_object();
  return w.take();
}

std::string outcome_json(const Program& program, const Outcome& outcome) {
  JsonWriter w;
  w.begin_object();
  w.key("balances");
  write_balances(w, program, outcome.state);
  w.field("duplicate", outcome.duplicate);
  w.key("ledger");
  write_ledger(w, outcome.ledger);
  w.key("notices");
  write_notices(w, program, outcome.notices);
  w.key("state");
  write_state(w, program, outcome.state);
  w.end_object();
  return w.take();
}

std::string points_summary_json(const PointsSummary& s, TapeStrings* tape) {
  auto days = [&](JsonWriter& w, const std::vector<PointsOnDay>& list) {
    w.begin_array();
    for (const PointsOnDay& d : list) w.begin_object().field("date", DayText(d.day).view()).field("points", d.points).end_object();
    w.end_array();
  };
  JsonWriter w(tape);
  w.begin_object().field("available", s.available).field("balance", s.balance).field("debt", s.debt);
  w.key("expiring");
  days(w, s.expiring);
  w.field("expiring_total", s.expiring_total);
  if (s.lapse_rule) {
    w.key("lapses_at");
    if (s.lapses_at) w.value(*s.lapses_at);
    else w.null();
  }
  w.field("pending", s.pending);
  w.key("vesting");
  days(w, s.vesting);
  w.end_object();
  return w.take();
}

std::string redemption_json(const RedemptionPreview& p) {
  JsonWriter w;
  w.begin_object().field("available", p.available).field("cash_value", p.cash_value).field("max_points", p.max_points).end_object();
  return w.take();
}

std::string lifecycle_json(const LifecycleStatus& l, TapeStrings* tape) {
  JsonWriter w(tape);
  w.begin_object().field("days_inactive", l.days_inactive);
  w.key("days_to_next");
  if (l.days_to_next) w.value(*l.days_to_next);
  else w.null();
  w.key("next_stage");
  if (l.next_stage) w.value(lifecycle_stage_name(*l.next_stage));
  else w.null();
  if (l.lapse_rule) {
    w.key("points_lapse_at");
    if (l.points_lapse_at) w.value(*l.points_lapse_at);
    else w.null();
  }
  w.field("stage", lifecycle_stage_name(l.stage)).end_object();
  return w.take();
}

std::string errors_json(const Errors& errors) {
  JsonWriter w;
  w.begin_array();
  for (const Error& e : errors) {
    w.begin_object()
        .field("code", std::string_view(e.code))
        .field("message", std::string_view(e.message))
        .field("path", std::string_view(e.path))
        .end_object();
  }
  w.end_array();
  return w.take();
}

}  // namespace loyalty

namespace loyalty {

std::string ledger_json(const std::vector<LedgerEntry>& ledger) {
  JsonWriter w;
  write_ledger(w, ledger);
  return w.take();
}

const char* ledger_kind_name(LedgerKind kind) { return ledger_kind(kind); }

std::string notices_json(const Program& program, const std::vector<Notice>& notices) {
  JsonWriter w;
  write_notices(w, program, notices);
  return w.take();
}

std::string balances_json(const Program& program, const MemberState& state) {
  JsonWriter w;
  write_balances(w, program, state);
  return w.take();
}

}  // namespace loyalty
