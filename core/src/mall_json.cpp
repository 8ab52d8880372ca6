// The programme's "mall" section <-> JSON.
#include <set>

#include "task_json.hpp"
#include "writers.hpp"

namespace loyalty {

using json_reader::index_path;
using json_reader::ObjectReader;
using json_reader::ValueReader;

namespace {

MallItem read_item(ValueReader& reader, const JsonValue& v, const std::string& path, const Program& program,
                   std::set<std::string>& ids) {
  ObjectReader obj(reader, v, path);
  MallItem item;
  if (auto id = obj.identifier("id", true)) {
    item.id = *id;
    if (!ids.insert(*id).second) reader.error("mall.duplicate_id", "id \"" + *id + "\" is used twice", obj.path_of("id"));
  }
  if (auto name = obj.localized_text("name", false)) item.name = *name;
  if (auto points = obj.integer("points", true, 0, kMaxSafeInteger)) item.points = *points;
  obj.integer_into("cash", item.cash, 0, kMaxSafeInteger);
  item.from_day = obj.date("from", false);
  item.to_day = obj.date("to", false);
  if (item.from_day && item.to_day && *item.to_day < *item.from_day) {
    reader.error("mall.window_reversed", "must not be before \"from\"", obj.path_of("to"));
  }
  item.stock = obj.integer("stock", false, 0, kMaxSafeInteger);
  item.daily_stock = obj.integer("daily_stock", false, 0, kMaxSafeInteger);
  if (const JsonValue* l = obj.field("limits", false)) {
    ObjectReader limits(reader, *l, obj.path_of("limits"));
    limits.integer_into("per_day", item.limits.per_day, 0, kMaxSafeInteger);
    limits.integer_into("per_month", item.limits.per_month, 0, kMaxSafeInteger);
    limits.integer_into("total", item.limits.total, 0, kMaxSafeInteger);
    limits.finish();
  }
  item.tiers = read_tier_list(reader, obj, program, "mall.unknown_tier");
  if (const JsonValue* r = obj.field("reward", false)) {
    item.reward = read_reward(reader, *r, obj.path_of("reward"));
    if (item.reward.points || item.reward.growth || item.reward.makeup_cards) {
      reader.error("mall.reward_not_offered", "a mall item gives a coupon, a red packet or box chances",
                   obj.path_of("reward"));
    }
  }
  item.segments = read_segment_list(reader, obj, program);
  if (const JsonValue* g = obj.field("goods", false)) {
    if (auto goods = reader.identifier(*g, obj.path_of("goods"))) item.goods = *goods;
  }
  obj.finish();
  if (obj.valid() && item.reward.empty() && item.goods.empty()) {
    reader.error("mall.gives_nothing", "an item gives a reward, goods or both", obj.path_of("reward"));
  }
  return item;
}

}  // namespace

void read_mall_rules(ValueReader& reader, const JsonValue& json, const std::string& path, Program& program) {
  ObjectReader obj(reader, json, path);
  std::set<std::string> ids;
  if (const JsonValue* items = obj.field("items", true); items && reader.is_array(*items, obj.path_of("items"), kMaxMallItems)) {
    for (std::size_t i = 0; i < items->size(); ++i) {
      program.mall.items.push_back(read_item(reader, (*items)[i], index_path(obj.path_of("items"), i), program, ids));
    }
  }
  obj.finish();
}

// Keys in ascending order, as everywhere (JsonWriter checks it).
void write_mall_rules(JsonWriter& w, const Program& program) {
  w.begin_object().key("items").begin_array();
  for (const MallItem& item : program.mall.items) {
    w.begin_object().field("cash", item.cash);
    if (item.daily_stock) w.field("daily_stock", *item.daily_stock);
    if (item.from_day) w.field("from", DayText(*item.from_day).view());
    if (!item.goods.empty()) w.field("goods", std::string_view(item.goods));
    w.field("id", std::string_view(item.id));
    w.key("limits").begin_object().field("per_day", item.limits.per_day).field("per_month", item.limits.per_month)
        .field("total", item.limits.total).end_object();
    write_localized(w.key("name"), item.name);
    w.field("points", item.points);
    write_reward(w.key("reward"), item.reward);
    write_segment_list(w, program, item.segments);
    if (item.stock) w.field("stock", *item.stock);
    write_tier_list(w, program, item.tiers);
    if (item.to_day) w.field("to", DayText(*item.to_day).view());
    w.end_object();
  }
  w.end_array().end_object();
}

}  // namespace loyalty
