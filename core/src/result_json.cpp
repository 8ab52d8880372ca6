// Structs -> JSON for hosts. nlohmann::json keeps object keys sorted, so the
// dump of these values is the same bytes on every host.
#include "loyalty/json_codec.hpp"

namespace loyalty {

namespace {

Json rate_json(const EarnRate& rate) {
  return {{"earn", rate.earn},
          {"per_minor", rate.per_minor},
          {"rounding", std::string(rounding_name(rate.rounding))}};
}

Json optional_index(const std::optional<std::size_t>& index,
                    const std::vector<Tier>& tiers) {
  return index ? Json(tiers[*index].id) : Json(nullptr);
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

Json step_json(const Program& program, const EarnStep& step) {
  Json j = {{"rule", step_rule(step.kind)}, {"points", step.points}};
  if (step.kind == EarnStepKind::category) {
    j["id"] = program.categories[step.ref].id;
    j["multiplier_bp"] = step.multiplier_bp;
  } else if (step.kind == EarnStepKind::tier) {
    j["id"] = program.tiers[step.ref].id;
    j["multiplier_bp"] = step.multiplier_bp;
  }
  return j;
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

Json to_json(const Program& program, const TierProgress& p) {
  return {{"tier", program.tiers[p.tier].id},
          {"growth", p.growth},
          {"next_tier", optional_index(p.next_tier, program.tiers)},
          {"growth_needed", p.growth_needed},
          {"spend_needed", p.spend_needed ? Json(*p.spend_needed) : Json(nullptr)},
          {"permille", p.permille}};
}

Json to_json(const Program& program, const OrderPreview& preview) {
  Json lines = Json::array();
  for (const LinePreview& lp : preview.lines) {
    Json steps = Json::array();
    for (const EarnStep& step : lp.steps) steps.push_back(step_json(program, step));
    lines.push_back({{"sku", lp.line.sku},
                     {"category", program.categories[lp.line.category].id},
                     {"unit_price", lp.line.unit_price},
                     {"quantity", lp.line.quantity},
                     {"subtotal", lp.subtotal},
                     {"discount", lp.discount},
                     {"paid", lp.paid},
                     {"points", lp.points},
                     {"steps", std::move(steps)}});
  }
  return {{"at", preview.at},
          {"local_date", preview.local_date.iso()},
          {"tier", program.tiers[preview.tier].id},
          {"lines", std::move(lines)},
          {"subtotal", preview.subtotal},
          {"discount", preview.discount},
          {"paid", preview.paid},
          {"points", preview.points},
          {"growth", preview.growth},
          {"progress", to_json(program, preview.progress)},
          {"progress_after", to_json(program, preview.progress_after)}};
}

Json to_json(const Errors& errors) {
  Json list = Json::array();
  for (const Error& e : errors) {
    list.push_back({{"code", e.code}, {"message", e.message}, {"path", e.path}});
  }
  return list;
}

}  // namespace loyalty
