// Structs -> JSON for hosts: compact, keys sorted, the same bytes on every
// host. The programme goes through nlohmann (it is written once per load);
// per-call outputs are streamed by JsonWriter.
#include "loyalty/json_codec.hpp"
#include "task_json.hpp"
#include "writers.hpp"

namespace loyalty {

namespace {

Json rate_json(const EarnRate& rate) {
  Json j = Json::object();
  j["earn"] = rate.earn;
  j["per_minor"] = rate.per_minor;
  j["rounding"] = std::string(rounding_name(rate.rounding));
  return j;
}

Json requirement_json(const Requirement& r) {
  Json j = Json::object();
  for (Metric m : kMetrics)
    if (r[m]) j[std::string(metric_name(m))] = *r[m];
  return j;
}

Json tier_json(const Tier& t) {
  Json j = Json::object();
  j["id"] = t.id;
  j["name"] = t.name;
  j["qualify"] = requirement_json(t.qualify);
  j["retain"] = requirement_json(t.retain);
  j["points_multiplier_bp"] = t.points_multiplier_bp;
  j["discount_bp"] = t.discount_bp;
  j["perks"] = t.perks;
  j["birthday_points"] = t.birthday_points;
  j["paid_only"] = t.paid_only;
  return j;
}

Json earning_json(const Program& p) {
  Json j = Json::object();
  j["points"] = rate_json(p.points);
  if (p.growth) j["growth"] = rate_json(*p.growth);
  j["categories"] = Json::array();
  for (const Category& c : p.categories) {
    Json cj = Json::object();
    cj["id"] = c.id;
    cj["multiplier_bp"] = c.multiplier_bp;
    if (!c.name.empty()) cj["name"] = c.name;
    j["categories"].push_back(std::move(cj));
  }
  j["skus"] = Json::array();
  for (const SkuMultiplier& s : p.skus) j["skus"].push_back(Json{{"id", s.id}, {"multiplier_bp", s.multiplier_bp}});
  j["campaigns"] = Json::array();
  for (const Campaign& c : p.campaigns) {
    Json cj = Json::object();
    cj["id"] = c.id;
    cj["from"] = date_from_day_number(c.from_day).iso();
    cj["to"] = date_from_day_number(c.to_day).iso();
    cj["multiplier_bp"] = c.multiplier_bp;
    if (!c.categories.empty()) {
      cj["categories"] = Json::array();
      for (std::size_t i : c.categories) cj["categories"].push_back(p.categories[i].id);
    }
    j["campaigns"].push_back(std::move(cj));
  }
  if (p.birthday) {
    j["birthday"] = Json{{"multiplier_bp", p.birthday->multiplier_bp},
                         {"scope", p.birthday->scope == BirthdayScope::day ? "day" : "month"}};
  }
  j["caps"] = Json::array();
  for (const EarnCap& c : p.caps) {
    j["caps"].push_back(Json{{"period", c.period == CapPeriod::day ? "day" : "month"}, {"points", c.points}});
  }
  j["combine"] = p.combine == MultiplierCombine::add ? "add" : "multiply";
  j["pending_days"] = p.pending_days;
  return j;
}

Json qualification_json(const Qualification& q) {
  static const char* windows[] = {"lifetime", "rolling_days", "calendar_year", "anniversary_year"};
  static const char* evaluations[] = {"none", "rolling_daily", "calendar_year_end", "anniversary"};
  Json window = Json::object();
  window["kind"] = windows[static_cast<int>(q.window)];
  if (q.window == WindowKind::rolling_days) window["days"] = q.window_days;
  Json j = Json::object();
  j["combine"] = q.all ? "all" : "any";
  j["window"] = std::move(window);
  j["evaluation"] = evaluations[static_cast<int>(q.evaluation)];
  j["downgrade"] = q.downgrade == Downgrade::one_tier ? "one_tier" : "recompute";
  j["grace_days"] = q.grace_days;
  return j;
}

Json expiry_json(const Expiry& e) {
  static const char* periods[] = {"month", "quarter", "year"};
  Json j = Json::object();
  switch (e.policy) {
    case ExpiryPolicy::never: j["policy"] = "never"; break;
    case ExpiryPolicy::days:
      j["policy"] = "days";
      j["days"] = e.days;
      break;
    case ExpiryPolicy::period_end:
      j["policy"] = "period_end";
      j["period"] = periods[static_cast<int>(e.period)];
      j["periods"] = e.periods;
      break;
  }
  return j;
}

}  // namespace

Json to_json(const Program& p) {
  Json j = Json::object();
  j["schema_version"] = p.schema;
  j["id"] = p.id;
  j["version"] = p.version;
  j["name"] = p.name;
  j["currency"] = Json{{"code", p.currency.code}, {"minor_units", p.currency.minor_units}};
  j["utc_offset_minutes"] = p.utc_offset_minutes;
  j["tiers"] = Json::array();
  for (const Tier& t : p.tiers) j["tiers"].push_back(tier_json(t));
  j["qualification"] = qualification_json(p.qualification);
  j["earning"] = earning_json(p);
  j["discount"] = Json{{"rounding", std::string(rounding_name(p.discount_rounding))}};
  j["expiry"] = expiry_json(p.expiry);
  j["refunds"] = Json{{"shortfall", p.shortfall == Shortfall::debt ? "debt" : "negative_balance"},
                      {"window_days", p.refund_window_days}};
  if (p.redemption) {
    const Redemption& r = *p.redemption;
    j["redemption"] = Json{{"points_per_unit", r.points_per_unit}, {"unit_minor", r.unit_minor}, {"step", r.step},
                           {"minimum", r.minimum}, {"max_share_bp", r.max_share_bp}};
  }
  if (p.paid_membership) {
    j["paid_membership"] = Json{{"tier", p.tiers[p.paid_membership->tier].id}, {"days", p.paid_membership->days}};
  }
  j["lifecycle"] = Json{{"new_days", p.lifecycle.new_days}, {"silent_days", p.lifecycle.silent_days},
                        {"sleeping_days", p.lifecycle.sleeping_days}, {"lost_days", p.lifecycle.lost_days}};
  j["sync"] = Json{{"claimed_time_skew_seconds", p.sync.claimed_time_skew_seconds}};
  if (p.tasks.any()) j["tasks"] = task_rules_to_json(p.tasks);
  return j;
}

namespace {

std::string_view date_text_buffer(std::int64_t day, std::string& buffer) {
  buffer = date_from_day_number(day).iso();
  return buffer;
}

void write_needs(JsonWriter& w, const std::vector<MetricNeed>& needs) {
  w.begin_array();
  for (const MetricNeed& n : needs) {
    w.begin_object().field("have", n.have).field("metric", metric_name(n.metric)).field("missing", n.missing)
        .field("need", n.need).end_object();
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
    case EarnStepKind::tier: return "tier";
    case EarnStepKind::clamp_zero: return "clamp_zero";
  }
  return "base";
}

void write_step(JsonWriter& w, const Program& program, const EarnStep& step) {
  w.begin_object();
  std::string_view id;
  switch (step.kind) {
    case EarnStepKind::category: id = program.categories[step.ref].id; break;
    case EarnStepKind::sku: id = program.skus[step.ref].id; break;
    case EarnStepKind::campaign: id = program.campaigns[step.ref].id; break;
    case EarnStepKind::tier: id = program.tiers[step.ref].id; break;
    default: break;
  }
  if (!id.empty()) w.field("id", id);
  if (step.kind != EarnStepKind::base && step.kind != EarnStepKind::clamp_zero) w.field("multiplier_bp", step.multiplier_bp);
  w.field("points", step.points).field("rule", std::string_view(step_rule(step.kind)));
  w.end_object();
}

void write_line(JsonWriter& w, const Program& program, const LinePreview& lp) {
  w.begin_object();
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
  }
  return "tier_upgraded";
}

}  // namespace

// Keys in ascending order in every object below (JsonWriter checks it).
void write_progress(JsonWriter& w, const Program& program, const TierProgress& p) {
  std::string date;
  w.begin_object();
  if (p.downgrade) {
    w.key("downgrade").begin_object().field("at", p.downgrade->at)
        .field("to", std::string_view(program.tiers[p.downgrade->to].id)).end_object();
  }
  w.key("drop_to");
  write_tier_or_null(w, program, p.drop_to);
  w.key("evaluation_date");
  if (p.evaluation_day) w.value(date_text_buffer(*p.evaluation_day, date));
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
    w.begin_object().field("at", n.at);
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
  w.begin_object();
  w.field("at", preview.at);
  w.key("caps").begin_array();
  for (const CapCut& cut : preview.caps) {
    w.begin_object().field("cut", cut.cut).field("limit", cut.limit)
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
  std::string date;
  auto days = [&](JsonWriter& w, const std::vector<PointsOnDay>& list) {
    w.begin_array();
    for (const PointsOnDay& d : list) w.begin_object().field("date", date_text_buffer(d.day, date)).field("points", d.points).end_object();
    w.end_array();
  };
  JsonWriter w(tape);
  w.begin_object().field("available", s.available).field("balance", s.balance).field("debt", s.debt);
  w.key("expiring");
  days(w, s.expiring);
  w.field("expiring_total", s.expiring_total).field("pending", s.pending);
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
  static const char* names[] = {"new", "active", "silent", "sleeping", "lost"};
  JsonWriter w(tape);
  w.begin_object().field("days_inactive", l.days_inactive);
  w.key("days_to_next");
  if (l.days_to_next) w.value(*l.days_to_next);
  else w.null();
  w.key("next_stage");
  if (l.next_stage) w.value(std::string_view(names[static_cast<int>(*l.next_stage)]));
  else w.null();
  w.field("stage", std::string_view(names[static_cast<int>(l.stage)])).end_object();
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
