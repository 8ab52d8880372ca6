// The programme's "segments" <-> JSON, and the lists of segment ids that
// limit tasks, boxes and mall items.
#include <algorithm>
#include <set>

#include "task_json.hpp"
#include "writers.hpp"

namespace loyalty {

using json_reader::index_path;
using json_reader::ObjectReader;
using json_reader::ValueReader;

namespace {

// The days activity is kept for (tier.cpp's forget_activity): a window
// longer than that would count days already forgotten.
std::int64_t kept_days(const Program& program) {
  const Qualification& q = program.qualification;
  return q.window == WindowKind::rolling_days ? q.window_days : 367;
}

Bounds read_bounds(ObjectReader& obj) {
  Bounds b;
  b.min = obj.integer("min", false, 0, kMaxSafeInteger);
  b.max = obj.integer("max", false, 0, kMaxSafeInteger);
  return b;
}

std::optional<Bounds> bounds_field(ValueReader& reader, ObjectReader& when, std::string_view key) {
  const JsonValue* v = when.field(key, false);
  if (!v) return std::nullopt;
  ObjectReader obj(reader, *v, when.path_of(key));
  Bounds b = read_bounds(obj);
  obj.finish();
  if (b.min && b.max && *b.max < *b.min) reader.error("segments.bounds_reversed", "max must not be below min", obj.path_of("max"));
  return b;
}

std::optional<WindowBounds> window_field(ValueReader& reader, ObjectReader& when, std::string_view key,
                                         const Program& program) {
  const JsonValue* v = when.field(key, false);
  if (!v) return std::nullopt;
  ObjectReader obj(reader, *v, when.path_of(key));
  WindowBounds w;
  if (auto days = obj.integer("days", true, 1, kMaxDays)) {
    w.days = *days;
    if (*days > kept_days(program)) {
      reader.error("segments.window_too_long",
                   "activity is kept for " + std::to_string(kept_days(program)) + " days under this qualification",
                   obj.path_of("days"));
    }
  }
  w.bounds = read_bounds(obj);
  obj.finish();
  if (w.bounds.min && w.bounds.max && *w.bounds.max < *w.bounds.min) {
    reader.error("segments.bounds_reversed", "max must not be below min", obj.path_of("max"));
  }
  return w;
}

std::vector<std::string> identifiers(ValueReader& reader, ObjectReader& obj, std::string_view key) {
  std::vector<std::string> ids;
  const JsonValue* v = obj.field(key, false);
  if (!v || !reader.is_array(*v, obj.path_of(key), kMaxTags)) return ids;
  for (std::size_t i = 0; i < v->size(); ++i) {
    if (auto id = reader.identifier((*v)[i], index_path(obj.path_of(key), i))) ids.push_back(*id);
  }
  return ids;
}

SegmentRule read_rule(ValueReader& reader, const JsonValue& v, const std::string& path, Program& program) {
  ObjectReader when(reader, v, path);
  SegmentRule r;
  const std::vector<std::string> tiers = identifiers(reader, when, "tiers");
  for (std::size_t i = 0; i < tiers.size(); ++i) {
    auto tier = program.tier_index(tiers[i]);
    if (!tier) reader.error("segments.unknown_tier", "\"" + tiers[i] + "\" is not a tier of this programme", index_path(when.path_of("tiers"), i));
    else r.tiers.push_back(*tier);
  }
  const std::vector<std::string> stages = identifiers(reader, when, "stages");
  for (std::size_t i = 0; i < stages.size(); ++i) {
    std::optional<LifecycleStage> named;
    for (LifecycleStage s : {LifecycleStage::new_member, LifecycleStage::active, LifecycleStage::silent,
                             LifecycleStage::sleeping, LifecycleStage::lost}) {
      if (lifecycle_stage_name(s) == stages[i]) named = s;
    }
    if (!named) {
      reader.error("value.unknown_choice", "must be one of new, active, silent, sleeping, lost", index_path(when.path_of("stages"), i));
    } else {
      r.stages.push_back(*named);
    }
  }
  r.balance = bounds_field(reader, when, "balance");
  r.spend = window_field(reader, when, "spend", program);
  r.orders = window_field(reader, when, "orders", program);
  if (r.spend || r.orders) program.segment_windows = true;
  r.joined_days = bounds_field(reader, when, "joined_days");
  r.birthday_month = when.boolean("birthday_month", false);
  r.tags = identifiers(reader, when, "tags");
  r.not_tags = identifiers(reader, when, "not_tags");
  const std::vector<std::string> variants = identifiers(reader, when, "variants");
  for (std::size_t i = 0; i < variants.size(); ++i) {
    std::optional<std::size_t> found;
    for (std::size_t v = 0; program.experiment && v < program.experiment->variants.size(); ++v) {
      if (program.experiment->variants[v].id == variants[i]) found = v;
    }
    if (!found) {
      reader.error("segments.unknown_variant", "\"" + variants[i] + "\" is not a variant of the programme's experiment",
                   index_path(when.path_of("variants"), i));
    } else {
      r.variants.push_back(*found);
    }
  }
  when.finish();
  return r;
}

void write_bounds(JsonWriter& w, const Bounds& b) {
  if (b.max) w.field("max", *b.max);
  if (b.min) w.field("min", *b.min);
}

void write_window(JsonWriter& w, std::string_view key, const std::optional<WindowBounds>& window) {
  if (!window) return;
  w.key(key).begin_object().field("days", window->days);
  write_bounds(w, window->bounds);
  w.end_object();
}

void write_texts(JsonWriter& w, std::string_view key, const std::vector<std::string>& texts) {
  if (texts.empty()) return;
  w.key(key).begin_array();
  for (const std::string& t : texts) w.value(std::string_view(t));
  w.end_array();
}

}  // namespace

void read_experiment(ValueReader& reader, const JsonValue& json, const std::string& path, Program& program) {
  ObjectReader obj(reader, json, path);
  Experiment e;
  if (auto id = obj.identifier("id", true)) e.id = *id;
  if (auto s = obj.short_text("seed", true)) e.seed = *s;
  std::int64_t shares = 0;
  std::set<std::string> ids;
  if (const JsonValue* variants = obj.field("variants", true); variants && reader.is_array(*variants, obj.path_of("variants"), 20)) {
    for (std::size_t i = 0; i < variants->size(); ++i) {
      ObjectReader v(reader, (*variants)[i], index_path(obj.path_of("variants"), i));
      ExperimentVariant variant;
      if (auto id = v.identifier("id", true)) {
        variant.id = *id;
        if (!ids.insert(*id).second) reader.error("experiment.duplicate_id", "id \"" + *id + "\" is used twice", v.path_of("id"));
      }
      if (auto share = v.integer("share_bp", true, 1, kBasisPoints)) variant.share_bp = *share;
      v.finish();
      shares += variant.share_bp;
      e.variants.push_back(std::move(variant));
    }
    if (shares != kBasisPoints && !variants->empty()) {
      reader.error("experiment.shares", "the variants' shares add up to " + std::to_string(shares) + ", not 10000",
                   obj.path_of("variants"));
    }
    if (variants->empty()) reader.error("value.empty", "must not be empty", obj.path_of("variants"));
  }
  obj.finish();
  program.experiment = std::move(e);
}

void write_experiment(JsonWriter& w, const Experiment& e) {
  w.begin_object().field("id", std::string_view(e.id)).field("seed", std::string_view(e.seed)).key("variants").begin_array();
  for (const ExperimentVariant& v : e.variants) {
    w.begin_object().field("id", std::string_view(v.id)).field("share_bp", v.share_bp).end_object();
  }
  w.end_array().end_object();
}

void read_segments(ValueReader& reader, const JsonValue& json, const std::string& path, Program& program) {
  if (!reader.is_array(json, path, kMaxSegments)) return;
  std::set<std::string> ids;
  for (std::size_t i = 0; i < json.size(); ++i) {
    ObjectReader obj(reader, json[i], index_path(path, i));
    Segment s;
    if (auto id = obj.identifier("id", true)) {
      s.id = *id;
      if (!ids.insert(*id).second) reader.error("segments.duplicate_id", "id \"" + *id + "\" is used twice", obj.path_of("id"));
    }
    if (auto name = obj.localized_text("name", false)) s.name = *name;
    if (const JsonValue* when = obj.field("when", true)) s.when = read_rule(reader, *when, obj.path_of("when"), program);
    obj.finish();
    program.segments.push_back(std::move(s));
  }
}

std::vector<std::size_t> read_segment_list(ValueReader& reader, ObjectReader& obj, const Program& program) {
  std::vector<std::size_t> list;
  const std::vector<std::string> ids = identifiers(reader, obj, "segments");
  for (std::size_t i = 0; i < ids.size(); ++i) {
    auto s = program.segment_index(ids[i]);
    if (!s) reader.error("segments.unknown", "\"" + ids[i] + "\" is not a segment of this programme", index_path(obj.path_of("segments"), i));
    else list.push_back(*s);
  }
  return list;
}

std::vector<std::size_t> read_tier_list(ValueReader& reader, ObjectReader& obj, const Program& program,
                                        const char* unknown_code) {
  std::vector<std::size_t> list;
  const std::vector<std::string> ids = identifiers(reader, obj, "tiers");
  for (std::size_t i = 0; i < ids.size(); ++i) {
    auto t = program.tier_index(ids[i]);
    if (!t) reader.error(unknown_code, "\"" + ids[i] + "\" is not a tier of this programme", index_path(obj.path_of("tiers"), i));
    else list.push_back(*t);
  }
  return list;
}

void write_tier_list(JsonWriter& w, const Program& program, const std::vector<std::size_t>& tiers) {
  w.key("tiers").begin_array();
  for (std::size_t t : tiers) w.value(std::string_view(program.tiers[t].id));
  w.end_array();
}

void write_segment_list(JsonWriter& w, const Program& program, const std::vector<std::size_t>& segments) {
  if (segments.empty()) return;
  w.key("segments").begin_array();
  for (std::size_t s : segments) w.value(std::string_view(program.segments[s].id));
  w.end_array();
}

// Keys in ascending order (JsonWriter checks it).
void write_segments(JsonWriter& w, const Program& program) {
  w.begin_array();
  for (const Segment& s : program.segments) {
    w.begin_object().field("id", std::string_view(s.id));
    write_localized(w.key("name"), s.name);
    const SegmentRule& r = s.when;
    w.key("when").begin_object();
    if (r.balance) {
      w.key("balance").begin_object();
      write_bounds(w, *r.balance);
      w.end_object();
    }
    if (r.birthday_month) w.field("birthday_month", *r.birthday_month);
    if (r.joined_days) {
      w.key("joined_days").begin_object();
      write_bounds(w, *r.joined_days);
      w.end_object();
    }
    write_texts(w, "not_tags", r.not_tags);
    write_window(w, "orders", r.orders);
    write_window(w, "spend", r.spend);
    if (!r.stages.empty()) {
      w.key("stages").begin_array();
      for (LifecycleStage stage : r.stages) w.value(lifecycle_stage_name(stage));
      w.end_array();
    }
    write_texts(w, "tags", r.tags);
    if (!r.tiers.empty()) {
      w.key("tiers").begin_array();
      for (std::size_t t : r.tiers) w.value(std::string_view(program.tiers[t].id));
      w.end_array();
    }
    if (!r.variants.empty()) {
      w.key("variants").begin_array();
      for (std::size_t v : r.variants) w.value(std::string_view(program.experiment->variants[v].id));
      w.end_array();
    }
    w.end_object().end_object();
  }
  w.end_array();
}

}  // namespace loyalty
