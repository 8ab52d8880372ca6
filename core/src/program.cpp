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

std::optional<std::size_t> Program::tier_index(std::string_view id) const {
  return find_index(tier_by_id, id);
}

std::optional<std::size_t> Program::category_index(std::string_view id) const {
  return find_index(category_by_id, id);
}

}  // namespace loyalty
