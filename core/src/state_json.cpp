// MemberState <-> JSON. What state_json() writes, member_state_from_json()
// reads back to an equal state, so snapshots travel between hosts intact.
#include <algorithm>

#include "json_reader.hpp"
#include "task_json.hpp"
#include "writers.hpp"
#include "loyalty/json_codec.hpp"
#include "loyalty/recall.hpp"

namespace loyalty {

using json_reader::member_path;
using json_reader::each_item;
using json_reader::ObjectReader;
using json_reader::ValueReader;

namespace {

std::optional<std::int64_t> time_field(ObjectReader& obj, std::string_view key, bool required) {
  return obj.integer(key, required, kMinTimeMs, kMaxTimeMs);
}

std::optional<std::size_t> tier_field(ValueReader& reader, const Program& program, ObjectReader& obj,
                                      std::string_view key, bool required) {
  auto id = obj.identifier(key, required);
  if (!id) return std::nullopt;
  auto index = program.held_tier_index(*id);
  if (!index) reader.error("state.unknown_tier", "\"" + *id + "\" is not a tier of this programme", obj.path_of(key));
  return index;
}

Lot read_lot(ValueReader& reader, const JsonValue& v, const std::string& path) {
  ObjectReader obj(reader, v, path);
  Lot lot;
  if (auto s = obj.short_text("id", true)) lot.id = *s;
  if (auto t = time_field(obj, "earned_at", true)) lot.earned_at = *t;
  if (auto p = obj.integer("points", true, 1, kMaxSafeInteger)) lot.points = *p;
  lot.expires_at = time_field(obj, "expires_at", false);
  lot.vests_at = time_field(obj, "vests_at", false);
  if (auto s = obj.short_text("order_id", false)) lot.order_id = *s;
  obj.finish();
  return lot;
}

OrderRecord read_order(ValueReader& reader, const Program& program, const JsonValue& v, const std::string& path) {
  ObjectReader obj(reader, v, path);
  OrderRecord o;
  if (auto s = obj.short_text("order_id", true)) o.order_id = *s;
  if (auto t = time_field(obj, "at", true)) o.at = *t;
  each_item(reader, obj.field("lines", true), obj.path_of("lines"), kMaxCartLines, [&](const JsonValue& e, const std::string& p) {
    ObjectReader l(reader, e, p);
    OrderLineRecord line;
    if (auto s = l.short_text("sku", true)) line.sku = *s;
    if (auto c = l.identifier("category", true)) {
      auto index = program.held_category_index(*c);
      if (!index) reader.error("cart.unknown_category", "\"" + *c + "\" is not a category of this programme", l.path_of("category"));
      line.category = index.value_or(0);
    }
    if (auto n = l.integer("quantity", true, 1, kMaxQuantity)) line.quantity = *n;
    if (auto n = l.integer("paid", true, 0, kMaxSafeInteger)) line.paid = *n;
    if (auto n = l.integer("points", true, 0, kMaxSafeInteger)) line.points = *n;
    if (auto n = l.integer("refunded_quantity", false, 0, kMaxQuantity)) line.refunded_quantity = *n;
    l.finish();
    o.lines.push_back(std::move(line));
  });
  for (auto [key, into] : {std::pair{"paid", &o.paid}, {"points", &o.points}, {"growth", &o.growth},
                           {"paid_refunded", &o.paid_refunded}, {"points_clawed", &o.points_clawed},
                           {"growth_clawed", &o.growth_clawed}, {"redeemed_points", &o.redeemed_points},
                           {"redeemed_returned", &o.redeemed_returned}}) {
    obj.integer_into(key, *into, 0, kMaxSafeInteger);
  }
  read_redeemed_parts(reader, obj, "redeemed", o.redeemed);
  each_item(reader, obj.field("refund_ids", false), obj.path_of("refund_ids"), 1000, [&](const JsonValue& e, const std::string& p) {
    if (auto s = reader.string(e, p, 128)) o.refund_ids.emplace_back(*s);
  });
  obj.finish();
  return o;
}

std::optional<std::int64_t> read_date_text(ValueReader& reader, ObjectReader& obj, std::string_view key,
                                           const char* suffix, std::size_t length) {
  const JsonValue* v = obj.field(key, true);
  if (!v) return std::nullopt;
  auto s = reader.string(*v, obj.path_of(key), length);
  auto d = s && s->size() == length ? parse_iso_date(std::string(*s) + suffix) : std::nullopt;
  if (!d) {
    reader.error("value.invalid_date", "is not a date in the expected form", obj.path_of(key));
    return std::nullopt;
  }
  return length == 10 ? day_number_from_date(*d) : month_index(*d);
}

CapUsage read_cap(ValueReader& reader, const JsonValue& v, const std::string& path, bool by_day) {
  ObjectReader obj(reader, v, path);
  CapUsage usage;
  auto period = by_day ? read_date_text(reader, obj, "date", "", 10) : read_date_text(reader, obj, "month", "-01", 7);
  if (period) usage.period = *period;
  if (auto n = obj.integer("used", true, 0, kMaxSafeInteger)) usage.used = *n;
  obj.finish();
  return usage;
}

}  // namespace

void read_redeemed_parts(ValueReader& reader, ObjectReader& obj, std::string_view key, std::vector<RedeemedPart>& into) {
  each_item(reader, obj.field(key, false), obj.path_of(key), 10000, [&](const JsonValue& e, const std::string& p) {
    ObjectReader r(reader, e, p);
    RedeemedPart part;
    if (auto s = r.short_text("lot", true)) part.lot = *s;
    if (auto n = r.integer("points", true, 1, kMaxSafeInteger)) part.points = *n;
    if (auto t = time_field(r, "earned_at", true)) part.earned_at = *t;
    part.expires_at = time_field(r, "expires_at", false);
    r.finish();
    into.push_back(std::move(part));
  });
}

void write_redeemed_parts(JsonWriter& w, const std::vector<RedeemedPart>& parts) {
  w.begin_array();
  for (const RedeemedPart& r : parts) {
    w.begin_object().field("earned_at", r.earned_at);
    if (r.expires_at) w.field("expires_at", *r.expires_at);
    w.field("lot", std::string_view(r.lot)).field("points", r.points).end_object();
  }
  w.end_array();
}

// A cycle as check-ins make it: it begins with its first day, its make-ups
// are among its days, and no day is after the state's clock. Anything else
// would offer a calendar that no check-in could follow.
void check_checkin_cycle(ValueReader& reader, const CheckinCycle& c, std::int64_t clock_day, const std::string& path) {
  if (c.days.empty() || c.days.front() != c.start) {
    reader.error("state.checkin_cycle", "a check-in cycle begins with a check-in on its start day", member_path(path, "days"));
  } else if (c.days.back() > clock_day) {
    reader.error("state.checkin_cycle", "a check-in day is after the state's clock", member_path(path, "days"));
  }
  if (!std::includes(c.days.begin(), c.days.end(), c.made_up.begin(), c.made_up.end())) {
    reader.error("state.checkin_cycle", "every made-up day is one of the cycle's days", member_path(path, "made_up"));
  }
}

Result<MemberState> member_state_from_json(const Program& program, const JsonValue& json, const std::string& path) {
  Errors errors;
  ValueReader reader(errors);
  ObjectReader obj(reader, json, path);
  MemberState s;
  if (auto v = obj.short_text("member_id", false)) s.member_id = *v;
  if (auto t = time_field(obj, "joined_at", false)) s.joined_at = *t;
  if (const JsonValue* b = obj.field("birthday", false)) {
    auto text = reader.string(*b, obj.path_of("birthday"), 5);
    auto d = text && text->size() == 5 ? parse_iso_date("2000-" + std::string(*text)) : std::nullopt;  // 2000: 02-29 exists
    if (!d) reader.error("value.invalid_date", "must be MM-DD", obj.path_of("birthday"));
    else s.birthday = MonthDay{d->month, d->day};
  }
  if (auto t = time_field(obj, "clock", false)) s.clock = *t;
  for (auto [key, into] : {std::pair{"version", &s.version}, {"growth", &s.growth},
                           {"lifetime_spend", &s.lifetime_spend}, {"lifetime_orders", &s.lifetime_orders},
                           {"debt", &s.debt}}) {
    obj.integer_into(key, *into, 0, kMaxSafeInteger);
  }
  s.tier = tier_field(reader, program, obj, "tier", false);
  if (auto t = time_field(obj, "tier_since", false)) s.tier_since = *t;
  if (const JsonValue* d = obj.field("downgrade", false)) {
    ObjectReader r(reader, *d, obj.path_of("downgrade"));
    auto to = tier_field(reader, program, r, "to", true);
    auto at = time_field(r, "at", true);
    r.finish();
    if (to && at) s.downgrade = PendingDowngrade{*to, *at};
  }
  if (const JsonValue* p = obj.field("paid", false)) {
    ObjectReader r(reader, *p, obj.path_of("paid"));
    auto tier = tier_field(reader, program, r, "tier", true);
    auto until = time_field(r, "expires_at", true);
    r.finish();
    if (tier && until) s.paid = PaidTerm{*tier, *until};
  }
  each_item(reader, obj.field("lots", false), obj.path_of("lots"), 100000,
       [&](const JsonValue& e, const std::string& p) { s.lots.push_back(read_lot(reader, e, p)); });
  each_item(reader, obj.field("orders", false), obj.path_of("orders"), 100000,
       [&](const JsonValue& e, const std::string& p) {
         s.orders.push_back(read_order(reader, program, e, p));
         // Held in the order they came: apply() finds the refund window's first order by time.
         if (s.orders.size() > 1 && s.orders.back().at < s.orders[s.orders.size() - 2].at) {
           reader.error("state.orders_order", "orders are held in the order they were placed", p + ".at");
         }
       });
  each_item(reader, obj.field("activity", false), obj.path_of("activity"), 1000, [&](const JsonValue& e, const std::string& p) {
    ObjectReader a(reader, e, p);
    ActivityDay day;
    if (auto d = a.date("date", true)) day.day = *d;
    // A day may be negative: a refund counts on its order's day.
    for (auto [key, into] : {std::pair{"growth", &day.growth}, {"spend", &day.spend}, {"orders", &day.orders}}) {
      a.integer_into(key, *into, -kMaxSafeInteger, kMaxSafeInteger);
    }
    a.finish();
    if (!s.activity.empty() && s.activity.back().day >= day.day) {
      reader.error("state.activity_order", "days must be ascending and unique", a.path_of("date"));
    }
    s.activity.push_back(day);
  });
  if (const JsonValue* c = obj.field("cap_day", false)) s.cap_day = read_cap(reader, *c, obj.path_of("cap_day"), true);
  if (const JsonValue* c = obj.field("cap_month", false)) s.cap_month = read_cap(reader, *c, obj.path_of("cap_month"), false);
  if (auto y = obj.integer("birthday_gift_year", false, 0, 9999)) s.birthday_gift_year = static_cast<std::int32_t>(*y);
  s.last_activity_at = time_field(obj, "last_activity_at", false);
  s.points_active_at = time_field(obj, "points_active_at", false);
  if (const JsonValue* g = obj.field("recall", false)) {
    ObjectReader r(reader, *g, obj.path_of("recall"));
    auto offer = r.identifier("offer", true);
    auto entered = time_field(r, "entered_at", true);
    auto used = r.boolean("used", true);
    r.finish();
    // An offer the programme no longer has is forgotten: it could only add points.
    const auto index = offer ? recall_offer_index(program, *offer) : std::nullopt;
    if (index && entered && used) s.recall = RecallGiven{*index, *entered, *used};
  }
  each_item(reader, obj.field("recent_events", false), obj.path_of("recent_events"), kRecentEvents,
       [&](const JsonValue& e, const std::string& p) {
         if (auto v = reader.string(e, p, 128)) s.recent_events.push_back(std::string(*v));
       });
  if (const JsonValue* t = obj.field("tasks", false)) read_task_state(reader, *t, obj.path_of("tasks"), s.tasks);
  each_item(reader, obj.field("tags", false), obj.path_of("tags"), kMaxTags, [&](const JsonValue& e, const std::string& p) {
    if (auto tag = reader.identifier(e, p)) s.tags.insert(*tag);
  });
  obj.finish();
  if (errors.empty() && s.tasks.checkin) {
    check_checkin_cycle(reader, *s.tasks.checkin, local_day_number(s.clock, program.utc_offset_minutes),
                        member_path(obj.path_of("tasks"), "checkin"));
  }
  if (!errors.empty()) return errors;
  return s;
}

// Keys in ascending order in every object below (JsonWriter checks it).
void write_state(JsonWriter& w, const Program& program, const MemberState& s) {
  const auto tier_id = [&](std::size_t i) { return std::string_view(program.tiers[i].id); };
  w.begin_object();
  w.key("activity").begin_array();
  for (const ActivityDay& a : s.activity) {
    w.begin_object().field("date", DayText(a.day).view())
        .field("growth", a.growth).field("orders", a.orders).field("spend", a.spend).end_object();
  }
  w.end_array();
  if (s.birthday) {
    // MM-DD (validated on input: 1..12, 1..31).
    const auto two = [](std::int32_t v) { return std::string{static_cast<char>('0' + v / 10 % 10), static_cast<char>('0' + v % 10)}; };
    w.field("birthday", std::string_view(two(s.birthday->month) + "-" + two(s.birthday->day)));
  }
  w.field("birthday_gift_year", std::int64_t{s.birthday_gift_year});
  if (s.cap_day.period >= 0) {
    w.key("cap_day").begin_object().field("date", DayText(s.cap_day.period).view())
        .field("used", s.cap_day.used).end_object();
  }
  if (s.cap_month.period >= 0) {
    const std::string month = date_from_day_number(first_day_of_month_index(s.cap_month.period)).iso().substr(0, 7);
    w.key("cap_month").begin_object().field("month", std::string_view(month)).field("used", s.cap_month.used).end_object();
  }
  w.field("clock", s.clock).field("debt", s.debt);
  if (s.downgrade) {
    w.key("downgrade").begin_object().field("at", s.downgrade->at).field("to", tier_id(s.downgrade->to)).end_object();
  }
  w.field("growth", s.growth).field("joined_at", s.joined_at);
  if (s.last_activity_at) w.field("last_activity_at", *s.last_activity_at);
  w.field("lifetime_orders", s.lifetime_orders).field("lifetime_spend", s.lifetime_spend);
  w.key("lots").begin_array();
  for (const Lot& lot : s.lots) {
    w.begin_object().field("earned_at", lot.earned_at);
    if (lot.expires_at) w.field("expires_at", *lot.expires_at);
    w.field("id", std::string_view(lot.id));
    if (!lot.order_id.empty()) w.field("order_id", std::string_view(lot.order_id));
    w.field("points", lot.points);
    if (lot.vests_at) w.field("vests_at", *lot.vests_at);
    w.end_object();
  }
  w.end_array();
  w.field("member_id", std::string_view(s.member_id));
  w.key("orders").begin_array();
  for (const OrderRecord& o : s.orders) {
    w.begin_object().field("at", o.at).field("growth", o.growth).field("growth_clawed", o.growth_clawed);
    w.key("lines").begin_array();
    for (const OrderLineRecord& l : o.lines) {
      w.begin_object().field("category", std::string_view(program.categories[l.category].id))
          .field("paid", l.paid).field("points", l.points).field("quantity", l.quantity)
          .field("refunded_quantity", l.refunded_quantity).field("sku", std::string_view(l.sku)).end_object();
    }
    w.end_array();
    w.field("order_id", std::string_view(o.order_id)).field("paid", o.paid).field("paid_refunded", o.paid_refunded)
        .field("points", o.points).field("points_clawed", o.points_clawed);
    write_redeemed_parts(w.key("redeemed"), o.redeemed);
    w.field("redeemed_points", o.redeemed_points).field("redeemed_returned", o.redeemed_returned);
    w.key("refund_ids").begin_array();
    for (const std::string& id : o.refund_ids) w.value(std::string_view(id));
    w.end_array();
    w.end_object();
  }
  w.end_array();
  if (s.paid) {
    w.key("paid").begin_object().field("expires_at", s.paid->expires_at).field("tier", tier_id(s.paid->tier)).end_object();
  }
  if (s.points_active_at) w.field("points_active_at", *s.points_active_at);
  if (s.recall) {
    w.key("recall").begin_object().field("entered_at", s.recall->entered_at)
        .field("offer", std::string_view(program.lifecycle.recall[s.recall->offer].id)).field("used", s.recall->used).end_object();
  }
  w.key("recent_events").begin_array();
  for (const std::string& id : s.recent_events) w.value(std::string_view(id));
  w.end_array();
  if (!s.tags.empty()) {
    w.key("tags").begin_array();
    for (const std::string& tag : s.tags) w.value(std::string_view(tag));
    w.end_array();
  }
  if (!s.tasks.empty()) {
    w.key("tasks");
    write_task_state(w, s.tasks);
  }
  if (s.tier) w.field("tier", tier_id(*s.tier));
  w.field("tier_since", s.tier_since).field("version", s.version);
  w.end_object();
}

std::string state_json(const Program& program, const MemberState& state) {
  JsonWriter w;
  write_state(w, program, state);
  return w.take();
}

}  // namespace loyalty
