// Structs -> JSON for hosts: compact, keys sorted, the same bytes on every
// host. The programme goes through nlohmann (it is written once per load);
// per-call outputs are streamed by JsonWriter.
#include "json_writer.hpp"
#include "loyalty/json_codec.hpp"

namespace loyalty {

namespace {

Json rate_json(const EarnRate& rate) {
  return {{"earn", rate.earn},
          {"per_minor", rate.per_minor},
          {"rounding", std::string(rounding_name(rate.rounding))}};
}

const char* step_rule(EarnStepKind kind) {
  switch (kind) {
    case EarnStepKind::base: return "base";
    case EarnStepKind::category: return "category";
    case EarnStepKind::tier: return "tier";
    case EarnStepKind::clamp_zero: return "clamp_zero";
  }
  return "base";
}

}  // namespace

Json to_json(const Program& program) {
  Json tiers = Json::array();
  for (const Tier& t : program.tiers) {
    tiers.push_back({{"id", t.id},
                     {"name", t.name},
                     {"threshold", t.threshold},
                     {"points_multiplier_bp", t.points_multiplier_bp},
                     {"discount_bp", t.discount_bp}});
  }
  Json categories = Json::array();
  for (const Category& c : program.categories) {
    Json cj = {{"id", c.id}, {"multiplier_bp", c.multiplier_bp}};
    if (!c.name.empty()) cj["name"] = c.name;
    categories.push_back(std::move(cj));
  }
  Json earning = {{"points", rate_json(program.points)},
                  {"categories", std::move(categories)},
                  {"combine", program.combine == MultiplierCombine::add ? "add" : "multiply"}};
  if (program.growth) earning["growth"] = rate_json(*program.growth);
  return {{"schema_version", program.schema},
          {"id", program.id},
          {"version", program.version},
          {"name", program.name},
          {"currency", {{"code", program.currency.code}, {"minor_units", program.currency.minor_units}}},
          {"utc_offset_minutes", program.utc_offset_minutes},
          {"tiers", std::move(tiers)},
          {"earning", std::move(earning)},
          {"discount", {{"rounding", std::string(rounding_name(program.discount_rounding))}}}};
}

namespace {

// Keys in ascending order in every object below (JsonWriter checks it).
void write_progress(JsonWriter& w, const Program& program, const TierProgress& p) {
  w.begin_object();
  w.field("growth", p.growth).field("growth_needed", p.growth_needed);
  w.key("next_tier");
  if (p.next_tier) w.value(std::string_view(program.tiers[*p.next_tier].id));
  else w.null();
  w.field("permille", std::int64_t{p.permille});
  w.key("spend_needed");
  if (p.spend_needed) w.value(*p.spend_needed);
  else w.null();
  w.field("tier", std::string_view(program.tiers[p.tier].id));
  w.end_object();
}

void write_step(JsonWriter& w, const Program& program, const EarnStep& step) {
  w.begin_object();
  const bool multiplier = step.kind == EarnStepKind::category || step.kind == EarnStepKind::tier;
  if (multiplier) {
    const std::string& id = step.kind == EarnStepKind::category ? program.categories[step.ref].id
                                                                : program.tiers[step.ref].id;
    w.field("id", std::string_view(id)).field("multiplier_bp", step.multiplier_bp);
  }
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

}  // namespace

std::string progress_json(const Program& program, const TierProgress& progress) {
  JsonWriter w;
  write_progress(w, program, progress);
  return w.take();
}

std::string preview_json(const Program& program, const OrderPreview& preview) {
  JsonWriter w;
  w.begin_object();
  w.field("at", preview.at)
      .field("discount", preview.discount)
      .field("growth", preview.growth);
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
  w.end_object();
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
