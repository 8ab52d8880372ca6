// The engine's points mall query: the catalogue as one member sees it.
#include <algorithm>

#include "engine_request.hpp"
#include "loyalty/mall.hpp"
#include "task_json.hpp"
#include "writers.hpp"

namespace loyalty {

namespace {

using json_reader::ObjectReader;
using json_reader::ValueReader;

constexpr std::size_t kListedRedemptions = 20;

// {"<item>": {"left"?, "left_today"?}}: what the server says is left, by item index.
Result<std::vector<MallStock>> read_stock(const Program& program, const JsonValue& json) {
  Errors errors;
  ValueReader reader(errors);
  std::vector<MallStock> stock(program.mall.items.size());
  ObjectReader obj(reader, json, "stock");
  if (obj.valid()) {
    for (const JsonMember& entry : json.items()) {
      const std::string id(entry.key);
      const MallItem* item = program.mall.item(id);
      if (!item) {
        reader.error("mall.unknown_item", "\"" + id + "\" is not an item of this programme's mall", obj.path_of(id));
        continue;
      }
      ObjectReader left(reader, entry.value, obj.path_of(id));
      MallStock& s = stock[static_cast<std::size_t>(item - program.mall.items.data())];
      s.left = left.integer("left", false, 0, kMaxSafeInteger);
      s.left_today = left.integer("left_today", false, 0, kMaxSafeInteger);
      left.finish();
    }
  }
  if (!errors.empty()) return errors;
  return stock;
}

void write_optional(JsonWriter& w, std::string_view key, const std::optional<std::int64_t>& v) {
  w.key(key);
  if (v) w.value(*v);
  else w.null();
}

std::string catalog_json(const Program& program, const MemberState& state, TimeMs at,
                         const std::vector<MallStock>& stock) {
  JsonWriter w;
  w.begin_object().field("available", state.available_points());
  w.key("items").begin_array();
  for (std::size_t i = 0; i < program.mall.items.size(); ++i) {
    const MallItem& item = program.mall.items[i];
    const MallStock left = i < stock.size() ? stock[i] : MallStock{};
    const MallOffer offer = mall_offer(program, state, item, at, left);
    w.begin_object().field("can_redeem", !offer.refusal).field("cash", item.cash);
    if (item.from_day) w.field("from", DayText(*item.from_day).view());
    if (!item.goods.empty()) w.field("goods", std::string_view(item.goods));
    w.field("item", std::string_view(item.id));
    write_optional(w, "limit_left", offer.limit_left);
    w.field("max_quantity", offer.max_quantity);
    write_localized(w.key("name"), item.name);
    w.field("points", item.points).field("points_short", offer.points_short);
    w.key("refusal");
    if (offer.refusal) w.value(std::string_view(offer.refusal->code));
    else w.null();
    write_reward(w.key("reward"), item.reward);
    w.key("segments").begin_array();
    for (std::size_t s : item.segments) w.value(std::string_view(program.segments[s].id));
    w.end_array();
    write_optional(w, "stock_left", left.left);
    write_optional(w, "stock_left_today", left.left_today);
    w.key("tiers").begin_array();
    for (std::size_t t : item.tiers) w.value(std::string_view(program.tiers[t].id));
    w.end_array();
    if (item.to_day) w.field("to", DayText(*item.to_day).view());
    w.end_object();
  }
  w.end_array();
  // The latest few, oldest first: the answer stays as large as a member centre shows.
  w.key("redemptions").begin_array();
  const std::vector<MallRedemption>& made = state.tasks.mall;
  for (auto it = made.end() - static_cast<std::ptrdiff_t>(std::min(made.size(), kListedRedemptions)); it != made.end(); ++it) {
    const MallRedemption& r = *it;
    w.begin_object().field("at", r.at);
    if (r.cancelled_at) w.field("cancelled_at", *r.cancelled_at);
    w.field("cash", r.cash).field("id", std::string_view(r.id)).field("item", std::string_view(r.item))
        .field("points", r.points).field("quantity", r.quantity).end_object();
  }
  w.end_array().end_object();
  return w.take();
}

}  // namespace

std::string Engine::mall_catalog(std::string_view r) const { return stateless(r, true, &Engine::mall_catalog); }

std::string Engine::mall_catalog(MemberSession& member, Request& request) const {
  auto at = read_at(request);
  auto stock = request_field<std::vector<MallStock>>(request, "stock", false, [&](const JsonValue& j) {
    return read_stock(*program_, j);
  });
  refuse_unknown_fields(request, {"at", "stock"});
  if (!request.errors.empty()) return error_envelope(request.errors);
  auto state = member.at(*at);
  if (!state.ok()) return error_envelope(state.errors());
  return ok_envelope(catalog_json(*program_, *state.value(), *at, stock.value_or(std::vector<MallStock>{})));
}

}  // namespace loyalty
