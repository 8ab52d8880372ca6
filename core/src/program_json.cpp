// Programme JSON -> Program, reporting every problem with its path.
#include <algorithm>
#include <set>

#include "json_reader.hpp"
#include "task_json.hpp"
#include "loyalty/json_codec.hpp"

namespace loyalty {

using json_reader::index_path;
using json_reader::member_path;
using json_reader::each_item;
using json_reader::ObjectReader;
using json_reader::ValueReader;

namespace {

constexpr std::int64_t kMaxRateTerm = 1000000000000;  // 10^12

// Records id -> index; an id already taken is reported as `code`.
void index_id(ValueReader& reader, std::map<std::string, std::size_t, std::less<>>& index,
              const std::string& id, std::size_t i, const char* code, const std::string& path) {
  if (!index.emplace(id, i).second) {
    reader.error(code, "id \"" + id + "\" is used twice", path);
  }
}

std::optional<Currency> read_currency(ValueReader& reader, const JsonValue& v, const std::string& path) {
  ObjectReader obj(reader, v, path);
  Currency currency;
  const JsonValue* code = obj.field("code", true);
  if (code) {
    auto s = reader.string(*code, obj.path_of("code"), 3);
    const bool iso = s && s->size() == 3 &&
                     std::all_of(s->begin(), s->end(), [](char c) { return c >= 'A' && c <= 'Z'; });
    if (s && !iso) {
      reader.error("value.invalid_currency", "must be an ISO 4217 code such as \"CNY\"",
                   obj.path_of("code"));
    }
    if (iso) currency.code = *s;
  }
  auto minor = obj.integer("minor_units", true, 0, 4);
  obj.finish();
  if (!obj.valid() || currency.code.empty() || !minor) return std::nullopt;
  currency.minor_units = static_cast<std::int32_t>(*minor);
  return currency;
}

std::optional<EarnRate> read_rate(ValueReader& reader, const JsonValue& v, const std::string& path) {
  ObjectReader obj(reader, v, path);
  auto earn = obj.integer("earn", true, 0, kMaxRateTerm);
  auto per = obj.integer("per_minor", true, 1, kMaxRateTerm);
  auto rounding = obj.rounding("rounding", true);
  obj.finish();
  if (!earn || !per || !rounding) return std::nullopt;
  return EarnRate{*earn, *per, *rounding};
}

Requirement read_requirement(ValueReader& reader, const JsonValue& v, const std::string& path) {
  ObjectReader obj(reader, v, path);
  Requirement r;
  for (Metric m : kMetrics) r[m] = obj.integer(metric_name(m), false, 1, kMaxSafeInteger);
  obj.finish();
  return r;
}

std::vector<std::string> read_ids(ValueReader& reader, const JsonValue& v, const std::string& path) {
  std::vector<std::string> ids;
  each_item(reader, &v, path, 100, [&](const JsonValue& e, const std::string& p) {
    if (auto id = reader.identifier(e, p)) ids.push_back(*id);
  });
  return ids;
}

void read_tier(ValueReader& reader, const JsonValue& v, const std::string& path, std::size_t i,
               Program& program) {
  ObjectReader obj(reader, v, path);
  Tier tier;
  if (auto id = obj.identifier("id", true)) {
    index_id(reader, program.tier_by_id, *id, i, "tiers.duplicate_id", obj.path_of("id"));
    tier.id = *id;
  }
  if (auto name = obj.localized_text("name", true)) tier.name = *name;
  tier.paid_only = obj.boolean("paid_only", false).value_or(false);
  const JsonValue* qualify = obj.field("qualify", false);
  if (qualify) tier.qualify = read_requirement(reader, *qualify, obj.path_of("qualify"));
  const JsonValue* retain = obj.field("retain", false);
  tier.retain = retain ? read_requirement(reader, *retain, obj.path_of("retain")) : tier.qualify;
  if (auto m = obj.integer("points_multiplier_bp", false, 0, kMaxMultiplierBp)) tier.points_multiplier_bp = *m;
  if (auto d = obj.integer("discount_bp", false, 0, kBasisPoints)) tier.discount_bp = *d;
  if (const JsonValue* perks = obj.field("perks", false)) tier.perks = read_ids(reader, *perks, obj.path_of("perks"));
  if (auto b = obj.integer("birthday_points", false, 0, kMaxSafeInteger)) tier.birthday_points = *b;
  obj.finish();

  if (i == 0 && (!tier.qualify.empty() || tier.paid_only)) {
    reader.error("tiers.first_qualifies_everyone",
                 "the first tier has no requirement and is not paid: every member holds it",
                 obj.path_of("qualify"));
  }
  if (i > 0 && !tier.paid_only && !qualify && obj.valid()) {
    reader.error("field.missing", "is required: what qualifies a member for this tier",
                 obj.path_of("qualify"));
  }
  for (Metric m : kMetrics) {
    if (tier.retain[m] && tier.qualify[m] && *tier.retain[m] > *tier.qualify[m]) {
      reader.error("tiers.retain_above_qualify",
                   "must not exceed qualify." + std::string(metric_name(m)) + " (" +
                       std::to_string(*tier.qualify[m]) + ")",
                   obj.path_of("retain") + "." + std::string(metric_name(m)));
    }
  }
  program.tiers.push_back(std::move(tier));  // even when invalid: index i names v[i]
}

// Each metric's requirement must rise from one metric tier to the next.
void check_tier_order(ValueReader& reader, const Program& program, const std::string& path) {
  std::optional<std::size_t> previous;
  for (std::size_t i = 0; i < program.tiers.size(); ++i) {
    const Tier& tier = program.tiers[i];
    if (tier.paid_only) continue;
    if (previous && *previous > 0) {
      for (Metric m : kMetrics) {
        const auto& before = program.tiers[*previous].qualify[m];
        if (tier.qualify[m] && before && *tier.qualify[m] <= *before) {
          const std::string name(metric_name(m));
          reader.error("tiers.threshold_order",
                       "must be greater than " + index_path(path, *previous) + ".qualify." + name +
                           " (" + std::to_string(*before) + ")",
                       index_path(path, i) + ".qualify." + name);
        }
      }
    }
    previous = i;
  }
}

void read_tiers(ValueReader& reader, const JsonValue& v, const std::string& path, Program& program) {
  if (!reader.is_array(v, path, kMaxTiers)) return;
  if (v.empty()) {
    reader.error("tiers.empty", "must hold at least one tier", path);
    return;
  }
  for (std::size_t i = 0; i < v.size(); ++i) read_tier(reader, v[i], index_path(path, i), i, program);
  check_tier_order(reader, program, path);
}

void read_qualification(ValueReader& reader, const JsonValue& v, const std::string& path,
                        Qualification& q) {
  ObjectReader obj(reader, v, path);
  if (auto c = obj.choice("combine", false, {"any", "all"})) q.all = *c == 1;
  if (const JsonValue* window = obj.field("window", false)) {
    ObjectReader w(reader, *window, obj.path_of("window"));
    if (auto k = w.choice("kind", true, {"lifetime", "rolling_days", "calendar_year", "anniversary_year"})) {
      q.window = static_cast<WindowKind>(*k);
    }
    auto days = w.integer("days", q.window == WindowKind::rolling_days, 1, kMaxDays);
    if (days) q.window_days = *days;
    w.finish();
  }
  if (auto e = obj.choice("evaluation", false, {"none", "rolling_daily", "calendar_year_end", "anniversary"})) {
    q.evaluation = static_cast<Evaluation>(*e);
  }
  if (auto d = obj.choice("downgrade", false, {"one_tier", "recompute"})) q.downgrade = static_cast<Downgrade>(*d);
  if (auto g = obj.integer("grace_days", false, 0, kMaxDays)) q.grace_days = *g;
  obj.finish();
}

void read_earning(ValueReader& reader, const JsonValue& v, const std::string& path, Program& program) {
  ObjectReader obj(reader, v, path);
  if (const JsonValue* points = obj.field("points", true)) {
    if (auto rate = read_rate(reader, *points, obj.path_of("points"))) program.points = *rate;
  }
  if (const JsonValue* growth = obj.field("growth", false)) {
    program.growth = read_rate(reader, *growth, obj.path_of("growth"));
  }
  if (const JsonValue* categories = obj.field("categories", true)) {
    const std::string cpath = obj.path_of("categories");
    if (categories->is_array() && categories->empty()) {
      reader.error("categories.empty", "must hold at least one category", cpath);
    }
    each_item(reader, categories, cpath, kMaxCategories, [&](const JsonValue& e, const std::string& p, std::size_t i) {
      ObjectReader c(reader, e, p);
      Category category;
      if (auto id = c.identifier("id", true)) {
        index_id(reader, program.category_by_id, *id, i, "categories.duplicate_id", c.path_of("id"));
        category.id = *id;
      }
      if (auto name = c.localized_text("name", false)) category.name = *name;
      if (auto m = c.integer("multiplier_bp", false, 0, kMaxMultiplierBp)) category.multiplier_bp = *m;
      if (auto earns = c.boolean("earns", false)) category.earns = *earns;
      c.finish();
      program.categories.push_back(std::move(category));  // even when invalid
    });
  }
  if (const JsonValue* skus = obj.field("skus", false)) {
    each_item(reader, skus, obj.path_of("skus"), kMaxSkuMultipliers, [&](const JsonValue& e, const std::string& p, std::size_t i) {
      ObjectReader s(reader, e, p);
      SkuMultiplier sku;
      if (const JsonValue* id = s.field("id", true)) {
        if (auto text = reader.string(*id, s.path_of("id"), 128)) {
          index_id(reader, program.sku_by_id, std::string(*text), i, "skus.duplicate_id", s.path_of("id"));
          sku.id = *text;
        }
      }
      if (auto m = s.integer("multiplier_bp", true, 0, kMaxMultiplierBp)) sku.multiplier_bp = *m;
      s.finish();
      program.skus.push_back(std::move(sku));
    });
  }
  if (const JsonValue* campaigns = obj.field("campaigns", false)) {
    each_item(reader, campaigns, obj.path_of("campaigns"), kMaxCampaigns, [&](const JsonValue& e, const std::string& p) {
      ObjectReader c(reader, e, p);
      Campaign campaign;
      if (auto id = c.identifier("id", true)) campaign.id = *id;
      auto from = c.date("from", true);
      auto to = c.date("to", true);
      if (auto m = c.integer("multiplier_bp", true, 0, kMaxMultiplierBp)) campaign.multiplier_bp = *m;
      if (const JsonValue* cats = c.field("categories", false)) {
        for (const std::string& id : read_ids(reader, *cats, c.path_of("categories"))) {
          if (auto index = program.category_index(id)) campaign.categories.push_back(*index);
          else reader.error("campaigns.unknown_category", "\"" + id + "\" is not a category of this programme", c.path_of("categories"));
        }
      }
      campaign.segments = read_segment_list(reader, c, program);
      c.finish();
      if (from && to && *from > *to) reader.error("campaigns.dates_reversed", "must not be after `to`", c.path_of("from"));
      if (from) campaign.from_day = *from;
      if (to) campaign.to_day = *to;
      program.campaigns.push_back(std::move(campaign));
    });
  }
  if (const JsonValue* birthday = obj.field("birthday", false)) {
    ObjectReader b(reader, *birthday, obj.path_of("birthday"));
    BirthdayBonus bonus;
    if (auto m = b.integer("multiplier_bp", true, 0, kMaxMultiplierBp)) bonus.multiplier_bp = *m;
    if (auto s = b.choice("scope", true, {"day", "month"})) bonus.scope = static_cast<BirthdayScope>(*s);
    b.finish();
    program.birthday = bonus;
  }
  if (const JsonValue* caps = obj.field("caps", false)) {
    each_item(reader, caps, obj.path_of("caps"), 2, [&](const JsonValue& e, const std::string& p) {
      ObjectReader c(reader, e, p);
      EarnCap cap;
      auto period = c.choice("period", true, {"day", "month"});
      if (period) cap.period = static_cast<CapPeriod>(*period);
      if (auto points = c.integer("points", true, 0, kMaxSafeInteger)) cap.points = *points;
      c.finish();
      const bool repeated = std::any_of(program.caps.begin(), program.caps.end(),
                                        [&](const EarnCap& other) { return period && other.period == cap.period; });
      if (repeated) reader.error("caps.duplicate_period", "one cap per period", c.path_of("period"));
      program.caps.push_back(cap);
    });
  }
  if (auto c = obj.choice("combine", true, {"multiply", "add"})) program.combine = static_cast<MultiplierCombine>(*c);
  if (auto d = obj.integer("pending_days", false, 0, kMaxDays)) program.pending_days = *d;
  obj.finish();
}

void read_expiry(ValueReader& reader, const JsonValue& v, const std::string& path, Program& program) {
  ObjectReader obj(reader, v, path);
  Expiry& e = program.expiry;
  if (auto p = obj.choice("policy", true, {"never", "days", "period_end"})) e.policy = static_cast<ExpiryPolicy>(*p);
  auto days = obj.integer("days", e.policy == ExpiryPolicy::days, 1, kMaxDays);
  if (days) e.days = *days;
  const bool periodic = e.policy == ExpiryPolicy::period_end;
  if (auto p = obj.choice("period", periodic, {"month", "quarter", "year"})) e.period = static_cast<ExpiryPeriod>(*p);
  if (auto n = obj.integer("periods", periodic, 0, 100)) e.periods = *n;
  if (const JsonValue* v = obj.field("inactivity", false)) {
    ObjectReader in(reader, *v, obj.path_of("inactivity"));
    InactivityExpiry rule;
    auto days = in.integer("days", false, 1, kMaxDays);
    auto months = in.integer("months", false, 1, kMaxDays / 28);
    if (days.has_value() == months.has_value() && in.valid()) {
      reader.error("expiry.inactivity_period", "give the time without activity in either days or months", in.path());
    }
    rule.days = days.value_or(0);
    rule.months = months.value_or(0);
    if (auto c = in.choice("counts", false, {"earn_or_spend", "earn", "order", "any_event"})) {
      rule.counts = static_cast<InactivityActivity>(*c);
    }
    in.integer_into("remind_days", rule.remind_days, 0, kMaxDays);
    if (rule.remind_days > 0 && rule.days > 0 && rule.remind_days >= rule.days) {
      reader.error("value.out_of_range", "a reminder must come after the last activity: fewer days than `days`",
                   in.path_of("remind_days"));
    }
    in.finish();
    e.inactivity = rule;
  }
  obj.finish();
  if (e.policy == ExpiryPolicy::days && days && *days <= program.pending_days) {
    reader.error("expiry.before_vesting", "points must not expire before they vest (earning.pending_days)",
                 obj.path_of("days"));
  }
}

void read_refunds(ValueReader& reader, const JsonValue& v, const std::string& path, Program& program) {
  ObjectReader obj(reader, v, path);
  if (auto s = obj.choice("shortfall", false, {"debt", "negative_balance"})) program.shortfall = static_cast<Shortfall>(*s);
  if (auto w = obj.integer("window_days", false, 1, kMaxDays)) program.refund_window_days = *w;
  obj.finish();
}

void read_redemption(ValueReader& reader, const JsonValue& v, const std::string& path, Program& program) {
  ObjectReader obj(reader, v, path);
  Redemption r;
  if (auto n = obj.integer("points_per_unit", true, 1, kMaxRateTerm)) r.points_per_unit = *n;
  if (auto n = obj.integer("unit_minor", true, 1, kMaxRateTerm)) r.unit_minor = *n;
  if (auto n = obj.integer("step", false, 1, kMaxRateTerm)) r.step = *n;
  if (auto n = obj.integer("minimum", false, 0, kMaxSafeInteger)) r.minimum = *n;
  if (auto n = obj.integer("max_share_bp", false, 1, kBasisPoints)) r.max_share_bp = *n;
  obj.finish();
  program.redemption = r;
}

void read_paid_membership(ValueReader& reader, const JsonValue& v, const std::string& path, Program& program) {
  ObjectReader obj(reader, v, path);
  PaidMembership paid;
  if (auto id = obj.identifier("tier", true)) {
    auto index = program.tier_index(*id);
    if (!index) reader.error("paid_membership.unknown_tier", "\"" + *id + "\" is not a tier of this programme", obj.path_of("tier"));
    else paid.tier = *index;
  }
  if (auto d = obj.integer("days", true, 1, kMaxDays)) paid.days = *d;
  obj.finish();
  program.paid_membership = paid;
}

// lifecycle.recall: an offer per stage a member may fall into.
void read_recall(ValueReader& reader, const JsonValue& v, const std::string& path, std::vector<RecallOffer>& offers) {
  std::map<std::string, std::size_t, std::less<>> ids;
  std::set<LifecycleStage> stages;
  each_item(reader, &v, path, 3, [&](const JsonValue& e, const std::string& p, std::size_t i) {
    ObjectReader obj(reader, e, p);
    RecallOffer offer;
    if (auto id = obj.identifier("id", true)) {
      offer.id = *id;
      index_id(reader, ids, *id, i, "recall.duplicate_id", obj.path_of("id"));
    }
    if (auto name = obj.localized_text("name", false)) offer.name = *name;
    if (auto stage = obj.choice("stage", true, {"silent", "sleeping", "lost"})) {
      offer.stage = static_cast<LifecycleStage>(static_cast<std::size_t>(LifecycleStage::silent) + *stage);
      if (!stages.insert(offer.stage).second) {
        reader.error("recall.duplicate_stage", "a stage has at most one recall offer", obj.path_of("stage"));
      }
    }
    if (auto bp = obj.integer("multiplier_bp", true, kBasisPoints, kMaxMultiplierBp)) offer.multiplier_bp = *bp;
    if (auto d = obj.integer("days", true, 1, kMaxDays)) offer.days = *d;
    obj.finish();
    offers.push_back(std::move(offer));
  });
}

void read_lifecycle(ValueReader& reader, const JsonValue& v, const std::string& path, Program& program) {
  ObjectReader obj(reader, v, path);
  Lifecycle& l = program.lifecycle;
  if (auto d = obj.integer("new_days", false, 0, kMaxDays)) l.new_days = *d;
  if (auto d = obj.integer("silent_days", false, 1, kMaxDays)) l.silent_days = *d;
  if (auto d = obj.integer("sleeping_days", false, 1, kMaxDays)) l.sleeping_days = *d;
  if (auto d = obj.integer("lost_days", false, 1, kMaxDays)) l.lost_days = *d;
  if (const JsonValue* recall = obj.field("recall", false)) read_recall(reader, *recall, obj.path_of("recall"), l.recall);
  obj.finish();
  if (!(l.silent_days < l.sleeping_days && l.sleeping_days < l.lost_days)) {
    reader.error("lifecycle.order", "silent_days < sleeping_days < lost_days must hold", path);
  }
}

void read_sync(ValueReader& reader, const JsonValue& v, const std::string& path, Program& program) {
  ObjectReader obj(reader, v, path);
  if (auto s = obj.integer("claimed_time_skew_seconds", false, 0, 86400)) program.sync.claimed_time_skew_seconds = *s;
  obj.finish();
}

// migrate: {"tiers": {old: new}, "categories": {old: new}}, read after the
// tiers and categories it maps into.
void read_migration_map(ValueReader& reader, const JsonValue* v, const std::string& path, const char* kind,
                        const std::map<std::string, std::size_t, std::less<>>& own,
                        std::map<std::string, std::size_t, std::less<>>& into) {
  if (!v) return;
  if (!v->is_object()) {
    reader.error("type.expected_object", std::string("must be an object of old ") + kind + " id to new " + kind + " id",
                 path);
    return;
  }
  for (const auto& [old_id, value] : v->items()) {
    const std::string at = member_path(path, old_id);
    if (!json_reader::is_identifier(old_id)) {
      reader.error("value.invalid_id", "must be 1 to 64 characters of A-Z a-z 0-9 _ - . :", at);
      continue;
    }
    auto new_id = reader.identifier(value, at);
    if (!new_id) continue;
    if (own.count(old_id)) {
      reader.error(std::string("migrate.") + kind + "_exists",
                   "\"" + std::string(old_id) + "\" is still a " + kind + " of this programme; only ids it no longer has are mapped", at);
      continue;
    }
    auto target = own.find(*new_id);
    if (target == own.end()) {
      reader.error(std::string("migrate.unknown_") + kind, "\"" + *new_id + "\" is not a " + kind + " of this programme", at);
      continue;
    }
    into.emplace(old_id, target->second);
  }
}

void read_migration(ValueReader& reader, const JsonValue& v, const std::string& path, Program& program) {
  ObjectReader obj(reader, v, path);
  read_migration_map(reader, obj.field("tiers", false), obj.path_of("tiers"), "tier", program.tier_by_id,
                     program.migrate.tiers);
  read_migration_map(reader, obj.field("categories", false), obj.path_of("categories"), "category",
                     program.category_by_id, program.migrate.categories);
  obj.finish();
}

}  // namespace

Result<Program> program_from_json(const JsonValue& json) {
  Errors errors;
  ValueReader reader(errors);
  ObjectReader obj(reader, json, "");
  if (!obj.valid()) return errors;
  Program program;

  // Where an editor finds the format's JSON Schema; nothing to the core.
  if (const JsonValue* schema = obj.field("$schema", false)) reader.string(*schema, "$schema", 2048);

  if (auto schema = obj.integer("schema_version", true, 0, kMaxSafeInteger)) {
    if (*schema != 1) {
      reader.error("program.unsupported_schema", "this core reads schema_version 1", "schema_version");
    }
  }
  if (auto id = obj.identifier("id", true)) program.id = *id;
  if (auto version = obj.integer("version", true, 1, kMaxSafeInteger)) program.version = *version;
  if (auto name = obj.localized_text("name", true)) program.name = *name;
  if (const JsonValue* currency = obj.field("currency", true)) {
    if (auto c = read_currency(reader, *currency, "currency")) program.currency = *c;
  }
  // UTC-12:00 .. UTC+14:00: every offset in use on Earth.
  if (auto offset = obj.integer("utc_offset_minutes", true, -720, 840)) {
    program.utc_offset_minutes = static_cast<std::int32_t>(*offset);
  }
  if (const JsonValue* tiers = obj.field("tiers", true)) read_tiers(reader, *tiers, "tiers", program);
  if (const JsonValue* q = obj.field("qualification", false)) {
    read_qualification(reader, *q, "qualification", program.qualification);
  }
  // Segments name tiers, the experiment's variants and the qualification's
  // window; campaigns, tasks and the mall name segments.
  if (const JsonValue* e = obj.field("experiment", false)) read_experiment(reader, *e, "experiment", program);
  if (const JsonValue* s = obj.field("segments", false)) read_segments(reader, *s, "segments", program);
  if (const JsonValue* earning = obj.field("earning", true)) read_earning(reader, *earning, "earning", program);
  if (const JsonValue* expiry = obj.field("expiry", false)) read_expiry(reader, *expiry, "expiry", program);
  if (const JsonValue* refunds = obj.field("refunds", false)) read_refunds(reader, *refunds, "refunds", program);
  if (const JsonValue* r = obj.field("redemption", false)) read_redemption(reader, *r, "redemption", program);
  if (const JsonValue* p = obj.field("paid_membership", false)) read_paid_membership(reader, *p, "paid_membership", program);
  if (const JsonValue* l = obj.field("lifecycle", false)) read_lifecycle(reader, *l, "lifecycle", program);
  if (const JsonValue* y = obj.field("sync", false)) read_sync(reader, *y, "sync", program);
  if (const JsonValue* t = obj.field("tasks", false)) read_task_rules(reader, *t, "tasks", program);
  if (const JsonValue* m = obj.field("mall", false)) read_mall_rules(reader, *m, "mall", program);
  if (const JsonValue* m = obj.field("migrate", false)) read_migration(reader, *m, "migrate", program);

  const bool discounts = std::any_of(program.tiers.begin(), program.tiers.end(),
                                     [](const Tier& t) { return t.discount_bp > 0; });
  if (const JsonValue* discount = obj.field("discount", false)) {
    ObjectReader d(reader, *discount, "discount");
    if (auto r = d.rounding("rounding", true)) program.discount_rounding = *r;
    d.finish();
  } else if (discounts) {
    reader.error("field.missing", "is required when a tier has discount_bp: name how discounts round",
                 "discount");
  }
  const bool paid_tiers = std::any_of(program.tiers.begin(), program.tiers.end(),
                                      [](const Tier& t) { return t.paid_only; });
  if (paid_tiers && !program.paid_membership) {
    reader.error("field.missing", "is required when a tier is paid_only", "paid_membership");
  }
  obj.finish();

  if (!errors.empty()) return errors;
  return program;
}

}  // namespace loyalty
