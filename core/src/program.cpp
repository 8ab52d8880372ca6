#include "loyalty/program.hpp"

#include <algorithm>

namespace loyalty {

namespace {
std::optional<std::size_t> find_index(const std::map<std::string, std::size_t, std::less<>>& index,
                                      std::string_view id) {
  auto it = index.find(id);
  if (it == index.end()) return std::nullopt;
  return it->second;
}
}  // namespace

std::string_view lifecycle_stage_name(LifecycleStage stage) {
  switch (stage) {
    case LifecycleStage::new_member: return "new";
    case LifecycleStage::active: return "active";
    case LifecycleStage::silent: return "silent";
    case LifecycleStage::sleeping: return "sleeping";
    case LifecycleStage::lost: return "lost";
  }
  return "new";
}

std::string_view metric_name(Metric metric) {
  switch (metric) {
    case Metric::growth: return "growth";
    case Metric::spend: return "spend";
    case Metric::orders: return "orders";
  }
  return "growth";
}

bool Requirement::empty() const {
  for (const auto& v : by_metric)
    if (v) return false;
  return true;
}

std::optional<std::int64_t> Program::sku_multiplier(std::string_view sku) const {
  auto index = find_index(sku_by_id, sku);
  if (!index) return std::nullopt;
  return skus[*index].multiplier_bp;
}

std::optional<std::size_t> Program::tier_index(std::string_view id) const {
  return find_index(tier_by_id, id);
}

std::optional<std::size_t> Program::category_index(std::string_view id) const {
  return find_index(category_by_id, id);
}

std::optional<std::size_t> Program::held_tier_index(std::string_view id) const {
  if (auto index = tier_index(id)) return index;
  return find_index(migrate.tiers, id);
}

std::optional<std::size_t> Program::held_category_index(std::string_view id) const {
  if (auto index = category_index(id)) return index;
  return find_index(migrate.categories, id);
}

std::optional<std::size_t> Program::segment_index(std::string_view id) const {
  for (std::size_t i = 0; i < segments.size(); ++i) {
    if (segments[i].id == id) return i;
  }
  return std::nullopt;
}

const Box* TaskRules::box(const std::string& id) const {
  for (const Box& b : boxes)
    if (b.id == id) return &b;
  return nullptr;
}

const SpokespersonCampaign* TaskRules::campaign(const std::string& id) const {
  for (const SpokespersonCampaign& c : spokesperson)
    if (c.id == id) return &c;
  return nullptr;
}

std::int64_t period_start(const LimitedTask& task, std::int64_t day) {
  switch (task.repeat) {
    case TaskRepeat::none: return task.from_day;
    case TaskRepeat::day: return day;
    case TaskRepeat::week: return day - ((day + 3) % 7 + 7) % 7;  // 1970-01-01 was a Thursday; weeks start Monday
    case TaskRepeat::month: return first_day_of_month_index(month_index(date_from_day_number(day)));
  }
  return day;
}

std::int64_t period_end(const LimitedTask& task, std::int64_t period) {
  switch (task.repeat) {
    case TaskRepeat::none: return task.to_day;
    case TaskRepeat::day: return period;
    case TaskRepeat::week: return std::min(task.to_day, period + 6);
    case TaskRepeat::month:
      return std::min(task.to_day, first_day_of_month_index(month_index(date_from_day_number(period)) + 1) - 1);
  }
  return task.to_day;
}

}  // namespace loyalty
