// Carts, times and events from JSON: what clients and merchants send.
#include <algorithm>

#include "json_reader.hpp"
#include "loyalty/json_codec.hpp"
#include "loyalty/sha256.hpp"

namespace loyalty {

using json_reader::index_path;
using json_reader::ObjectReader;
using json_reader::Path;
using json_reader::ValueReader;

namespace {

// An array of cart lines at `path` ("cart.lines", "products").
void read_lines(const Program& program, ValueReader& reader, const JsonValue& lines, const std::string& path,
                Cart& cart) {
  if (reader.is_array(lines, path, kMaxCartLines)) {
    cart.lines.reserve(lines.size());
    for (std::size_t i = 0; i < lines.size(); ++i) {
      ObjectReader line_obj(reader, lines[i], index_path(path, i));
      CartLine line;
      if (const JsonValue* sku = line_obj.field("sku", true)) {
        auto s = reader.string(*sku, line_obj.at("sku"), kMaxSkuBytes);
        if (s && s->empty()) reader.error("value.empty", "must not be empty", line_obj.path_of("sku"));
        if (s) line.sku = *s;
      }
      if (auto category = line_obj.identifier("category", true)) {
        // A category an earlier version had is read as the one migrate maps it to:
        // a storefront's old tags keep earning while its catalogue catches up.
        auto index = program.held_category_index(*category);
        if (!index) {
          reader.error("cart.unknown_category",
                       "\"" + *category + "\" is not a category of this programme",
                       line_obj.path_of("category"));
        }
        line.category = index.value_or(0);
      }
      if (auto price = line_obj.integer("unit_price", true, 0, kMaxSafeInteger)) {
        line.unit_price = *price;
      }
      if (auto quantity = line_obj.integer("quantity", true, 1, kMaxQuantity)) {
        line.quantity = *quantity;
      }
      line_obj.finish();
      cart.lines.push_back(std::move(line));
    }
  }
}

// 64 hex digits -> the 32 bytes they spell.
std::optional<std::string> seed_bytes(ValueReader& reader, const JsonValue& v, const Path& path) {
  auto hex = reader.string(v, path, 64);
  if (!hex) return std::nullopt;
  auto bytes = hex->size() == 64 ? bytes_from_hex(*hex) : std::nullopt;
  if (!bytes) {
    reader.error("draw.invalid_seed", "must be 64 hexadecimal digits (32 bytes)", path.str());
    return std::nullopt;
  }
  return bytes;
}

void read_draw(const Program& program, ValueReader& reader, ObjectReader& obj, DrawInput& draw) {
  if (auto box = obj.identifier("box", true)) draw.box = *box;
  if (const JsonValue* seed = obj.field("seed", true)) {
    if (auto bytes = seed_bytes(reader, *seed, obj.at("seed"))) draw.seed = *bytes;
  }
  const Box* box = program.tasks.box(draw.box);
  if (const JsonValue* stock = obj.field("stock", false)) {
    ObjectReader left(reader, *stock, obj.path_of("stock"));
    if (left.valid()) {
      for (const JsonMember& item : stock->items()) {
        const std::string_view prize = item.key;
        const bool known = box && std::any_of(box->prizes.begin(), box->prizes.end(), [&](const Prize& p) { return p.id == prize; });
        if (box && !known) reader.error("box.unknown_prize", "\"" + std::string(prize) + "\" is not a prize of this box", left.path_of(prize));
        if (auto n = left.integer(prize, true, 0, kMaxSafeInteger)) draw.stock[std::string(prize)] = *n;
      }
    }
  }
  if (const JsonValue* budget = obj.field("budget", false)) {
    ObjectReader b(reader, *budget, obj.path_of("budget"));
    draw.points_left = b.integer("points", false, 0, kMaxSafeInteger);
    draw.red_packet_left = b.integer("red_packet", false, 0, kMaxSafeInteger);
    b.finish();
  }
}

// The fields of check-in, like, share, scan, referral, box, mall and spokesperson events.
void read_task_event(const Program& program, ValueReader& reader, ObjectReader& obj, Event& e) {
  switch (e.kind) {
    case EventKind::makeup:
      if (auto d = obj.date("day", true)) e.makeup_day = *d;
      if (auto p = obj.choice("pay", false, {"any", "card", "points"})) e.pay = static_cast<MakeupPayment>(*p);
      break;
    case EventKind::like:
    case EventKind::share:
      if (auto a = obj.identifier("article", true)) e.article = *a;
      break;
    case EventKind::scan:
      if (auto c = obj.identifier("code", true)) e.code = *c;
      if (const JsonValue* by = obj.field("code_used_by", false)) {
        if (auto s = reader.string(*by, obj.at("code_used_by"), 128)) e.code_used_by = *s;
      }
      break;
    case EventKind::referred:
      if (auto m = obj.short_text("inviter", true, true)) e.other_member = *m;
      break;
    case EventKind::referral:
      if (auto m = obj.short_text("invitee", true, true)) e.other_member = *m;
      if (auto s = obj.choice("stage", false, {"joined", "first_order"})) e.stage = static_cast<ReferralStage>(*s);
      break;
    case EventKind::spokesperson_visit:
    case EventKind::spokesperson_credit: {
      const bool visit = e.kind == EventKind::spokesperson_visit;
      if (auto c = obj.identifier("campaign", true)) e.campaign = *c;
      if (auto m = obj.short_text(visit ? "spokesperson" : "friend", true, true)) e.other_member = *m;
      if (visit) {
        e.joined = obj.boolean("joined", false).value_or(false);
      } else if (auto a = obj.choice("action", true, {"visit", "join", "first_order", "order"})) {
        e.friend_action = static_cast<FriendAction>(*a);
      }
      break;
    }
    case EventKind::draw: read_draw(program, reader, obj, e.draw); break;
    case EventKind::mall_redeem:
      if (auto item = obj.identifier("item", true)) e.item = *item;
      obj.integer_into("quantity", e.quantity, 1, kMaxMallQuantity);
      if (const JsonValue* stock = obj.field("stock", false)) {
        ObjectReader left(reader, *stock, obj.path_of("stock"));
        e.mall_stock.left = left.integer("left", false, 0, kMaxSafeInteger);
        e.mall_stock.left_today = left.integer("left_today", false, 0, kMaxSafeInteger);
        left.finish();
      }
      e.cash_paid = obj.integer("cash_paid", false, 0, kMaxSafeInteger);
      break;
    case EventKind::tag: {
      bool any = false;
      for (auto [key, into] : {std::pair{"add", &e.tags_add}, {"remove", &e.tags_remove}}) {
        const JsonValue* list = obj.field(key, false);
        if (!list || !reader.is_array(*list, obj.at(key), kMaxTags)) continue;
        any = any || !list->empty();
        for (std::size_t i = 0; i < list->size(); ++i) {
          if (auto t = reader.identifier((*list)[i], index_path(obj.path_of(key), i))) into->push_back(*t);
        }
      }
      if (!any) reader.error("field.missing", "add or remove tags", obj.path_of("add"));
      break;
    }
    case EventKind::mall_cancel:
      if (auto s = obj.short_text("redemption", true, true)) e.redemption = *s;
      break;
    default: break;
  }
}

}  // namespace

Result<Cart> cart_from_json(const Program& program, const JsonValue& json, const std::string& path) {
  Errors errors;
  ValueReader reader(errors);
  ObjectReader obj(reader, json, path);
  Cart cart;
  const JsonValue* lines = obj.field("lines", true);
  obj.finish();
  if (lines) read_lines(program, reader, *lines, obj.path_of("lines"), cart);
  if (!errors.empty()) return errors;
  return cart;
}

Result<Cart> cart_lines_from_json(const Program& program, const JsonValue& lines, const std::string& path) {
  Errors errors;
  ValueReader reader(errors);
  Cart cart;
  read_lines(program, reader, lines, path, cart);
  if (!errors.empty()) return errors;
  return cart;
}

Result<DrawInput> draw_input_from_json(const Program& program, const JsonValue& json, const std::string& path) {
  Errors errors;
  ValueReader reader(errors);
  ObjectReader obj(reader, json, path);
  DrawInput draw;
  read_draw(program, reader, obj, draw);
  obj.finish();
  if (!errors.empty()) return errors;
  return draw;
}

Result<TimeMs> time_from_json(const JsonValue& json, const std::string& path) {
  Errors errors;
  ValueReader reader(errors);
  auto at = reader.integer(json, path, kMinTimeMs, kMaxTimeMs);
  if (!at) return errors;
  return *at;
}


Result<Event> event_from_json(const Program& program, const JsonValue& json, const std::string& path) {
  Errors errors;
  ValueReader reader(errors);
  ObjectReader obj(reader, json, path);
  // Read into the result itself: an event is two dozen fields, and a line
  // of a history is read for every event replayed.
  Result<Event> read(std::in_place);
  Event& e = read.value();
  if (const JsonValue* id = obj.field("id", true)) {
    auto s = reader.string(*id, obj.at("id"), 128);
    if (s && s->empty()) reader.error("value.empty", "must not be empty", obj.path_of("id"));
    if (s) e.id = *s;
  }
  if (const JsonValue* at = obj.field("at", true)) {
    if (auto t = reader.integer(*at, obj.at("at"), kMinTimeMs, kMaxTimeMs)) e.at = *t;
  }
  auto type = obj.choice("type", true, {"order", "refund", "redeem", "birthday", "paid_membership", "time_passes",
                                        "checkin", "makeup", "like", "share", "scan", "referred", "referral", "draw",
                                        "mall_redeem", "mall_cancel", "tag", "spokesperson_visit",
                                        "spokesperson_credit", "adjust"});
  if (type) e.kind = static_cast<EventKind>(*type);
  auto order_id = [&] {
    if (const JsonValue* v = obj.field("order_id", true)) {
      auto s = reader.string(*v, obj.at("order_id"), 128);
      if (s && s->empty()) reader.error("value.empty", "must not be empty", obj.path_of("order_id"));
      if (s) e.order_id = *s;
    }
  };
  if (type && e.kind == EventKind::order) {
    order_id();
    // The order's lines are a cart's: the same rules, the same paths.
    if (const JsonValue* lines = obj.field("lines", true)) read_lines(program, reader, *lines, obj.path_of("lines"), e.cart);
    if (auto r = obj.integer("redeem_points", false, 0, kMaxSafeInteger)) e.redeem_points = *r;
  } else if (type && e.kind == EventKind::refund) {
    order_id();
    if (const JsonValue* lines = obj.field("lines", false); lines && reader.is_array(*lines, obj.at("lines"), kMaxCartLines)) {
      for (std::size_t i = 0; i < lines->size(); ++i) {
        ObjectReader l(reader, (*lines)[i], index_path(obj.path_of("lines"), i));
        RefundLine r;
        if (auto n = l.integer("line", true, 0, static_cast<std::int64_t>(kMaxCartLines))) r.line = static_cast<std::size_t>(*n);
        if (auto n = l.integer("quantity", true, 1, kMaxQuantity)) r.quantity = *n;
        l.finish();
        e.refund_lines.push_back(r);
      }
    }
  } else if (type && e.kind == EventKind::redeem) {
    if (auto n = obj.integer("points", true, 1, kMaxSafeInteger)) e.points = *n;
    if (auto r = obj.identifier("reward_id", true)) e.reward_id = *r;
  } else if (type && e.kind == EventKind::adjust) {
    if (auto n = obj.integer("points", false, -kMaxSafeInteger, kMaxSafeInteger)) e.points = *n;
    if (auto n = obj.integer("growth", false, -kMaxSafeInteger, kMaxSafeInteger)) e.growth = *n;
    if (auto r = obj.short_text("reason", true, true)) e.reason = *r;
  } else if (type) {
    read_task_event(program, reader, obj, e);
  }
  obj.finish();
  if (!errors.empty()) read = Result<Event>(std::move(errors));
  return read;
}

}  // namespace loyalty
