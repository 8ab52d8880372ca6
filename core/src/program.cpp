#include "loyalty/program.hpp"

namespace loyalty {

namespace {
std::optional<std::size_t> find_index(const std::map<std::string, std::size_t, std::less<>>& index,
                                      std::string_view id) {
  auto it = index.find(id);
  if (it == index.end()) return std::nullopt;
  return it->second;
}
}  // namespace

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

}  // namespace loyalty
