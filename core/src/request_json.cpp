// Carts, times and events from JSON: what clients and merchants send.
#include "json_reader.hpp"
#include "loyalty/json_codec.hpp"

namespace loyalty {

using json_reader::index_path;
using json_reader::ObjectReader;
using json_reader::ValueReader;

namespace {

// An array of cart lines at `path` ("cart.lines", "products").
void read_lines(const Program& program, ValueReader& reader, const Json& lines, const std::string& path,
                Cart& cart) {
  if (reader.is_array(lines, path, kMaxCartLines)) {
    cart.lines.reserve(lines.size());
    for (std::size_t i = 0; i < lines.size(); ++i) {
      ObjectReader line_obj(reader, lines[i], index_path(path, i));
      CartLine line;
      if (const Json* sku = line_obj.field("sku", true)) {
        auto s = reader.string(*sku, line_obj.path_of("sku"), 128);
        if (s && s->empty()) reader.error("value.empty", "must not be empty", line_obj.path_of("sku"));
        if (s) line.sku = *s;
      }
      if (auto category = line_obj.identifier("category", true)) {
        auto index = program.category_index(*category);
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

}  // namespace

Result<Cart> cart_from_json(const Program& program, const Json& json, const std::string& path) {
  Errors errors;
  ValueReader reader(errors);
  ObjectReader obj(reader, json, path);
  Cart cart;
  const Json* lines = obj.field("lines", true);
  obj.finish();
  if (lines) read_lines(program, reader, *lines, obj.path_of("lines"), cart);
  if (!errors.empty()) return errors;
  return cart;
}

Result<Cart> cart_lines_from_json(const Program& program, const Json& lines, const std::string& path) {
  Errors errors;
  ValueReader reader(errors);
  Cart cart;
  read_lines(program, reader, lines, path, cart);
  if (!errors.empty()) return errors;
  return cart;
}

Result<TimeMs> time_from_json(const Json& json, const std::string& path) {
  Errors errors;
  ValueReader reader(errors);
  auto at = reader.integer(json, path, kMinTimeMs, kMaxTimeMs);
  if (!at) return errors;
  return *at;
}


Result<Event> event_from_json(const Program& program, const Json& json, const std::string& path) {
  Errors errors;
  ValueReader reader(errors);
  ObjectReader obj(reader, json, path);
  Event e;
  if (const Json* id = obj.field("id", true)) {
    auto s = reader.string(*id, obj.path_of("id"), 128);
    if (s && s->empty()) reader.error("value.empty", "must not be empty", obj.path_of("id"));
    if (s) e.id = *s;
  }
  if (const Json* at = obj.field("at", true)) {
    if (auto t = reader.integer(*at, obj.path_of("at"), kMinTimeMs, kMaxTimeMs)) e.at = *t;
  }
  auto type = obj.choice("type", true, {"order", "refund", "redeem", "birthday", "paid_membership", "time_passes"});
  if (type) e.kind = static_cast<EventKind>(*type);
  auto order_id = [&] {
    if (const Json* v = obj.field("order_id", true)) {
      auto s = reader.string(*v, obj.path_of("order_id"), 128);
      if (s && s->empty()) reader.error("value.empty", "must not be empty", obj.path_of("order_id"));
      if (s) e.order_id = *s;
    }
  };
  if (type && e.kind == EventKind::order) {
    order_id();
    // The order's lines are a cart: the same rules, the same paths.
    Json cart = Json::object();
    if (const Json* lines = obj.field("lines", true)) cart["lines"] = *lines;
    auto parsed = cart_from_json(program, cart, path);
    if (!parsed.ok()) errors.insert(errors.end(), parsed.errors().begin(), parsed.errors().end());
    else e.cart = std::move(parsed).value();
    if (auto r = obj.integer("redeem_points", false, 0, kMaxSafeInteger)) e.redeem_points = *r;
  } else if (type && e.kind == EventKind::refund) {
    order_id();
    if (const Json* lines = obj.field("lines", false); lines && reader.is_array(*lines, obj.path_of("lines"), kMaxCartLines)) {
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
  }
  obj.finish();
  if (!errors.empty()) return errors;
  return e;
}

}  // namespace loyalty
