// Member state, cart and time from JSON: what clients send with a query.
#include "json_reader.hpp"
#include "loyalty/json_codec.hpp"

namespace loyalty {

using json_reader::index_path;
using json_reader::ObjectReader;
using json_reader::ValueReader;

Result<MemberState> member_state_from_json(const Program& program, const Json& json,
                                           const std::string& path) {
  Errors errors;
  ValueReader reader(errors);
  ObjectReader obj(reader, json, path);
  MemberState state;
  if (const Json* id = obj.field("member_id", false)) {
    if (auto s = reader.string(*id, obj.path_of("member_id"), 128)) state.member_id = *s;
  }
  if (auto growth = obj.integer("growth", false, 0, kMaxSafeInteger)) state.growth = *growth;
  if (auto tier = obj.identifier("tier", false)) {
    state.tier = program.tier_index(*tier);
    if (!state.tier) {
      reader.error("state.unknown_tier", "\"" + *tier + "\" is not a tier of this programme",
                   obj.path_of("tier"));
    }
  }
  obj.finish();
  if (!errors.empty()) return errors;
  return state;
}

Result<Cart> cart_from_json(const Program& program, const Json& json, const std::string& path) {
  Errors errors;
  ValueReader reader(errors);
  ObjectReader obj(reader, json, path);
  Cart cart;
  const Json* lines = obj.field("lines", true);
  obj.finish();
  if (lines && reader.is_array(*lines, obj.path_of("lines"), kMaxCartLines)) {
    cart.lines.reserve(lines->size());
    for (std::size_t i = 0; i < lines->size(); ++i) {
      ObjectReader line_obj(reader, (*lines)[i], index_path(obj.path_of("lines"), i));
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

}  // namespace loyalty
