#include "loyalty/answer_tape.hpp"

#include <cstdint>

namespace loyalty {

bool TapeStrings::find_by_text(std::string_view s, Slot& slot, Found& found) {
  if (s.size() > kMaxLength) return false;
  ++text_lookups_;
  auto known = by_text_.find(s);
  if (known != by_text_.end()) {
    found = {known->second, false};
  } else {
    if (strings_.size() >= kMaxStrings) return false;
    const auto index = static_cast<std::uint16_t>(strings_.size());
    strings_.emplace_back(s);
    by_text_.emplace(strings_.back(), index);
    found = {index, true};
  }
  slot = {s.data(), s.size(), strings_[found.index].data(), found.index};
  return true;
}

const std::vector<std::string_view>& tape_shape_keys(TapeShape shape) {
  static const std::vector<std::string_view> shapes[kTapeShapes] = {
      {"points", "rule"},
      {"id", "points", "rule"},
      {"id", "multiplier_bp", "points", "rule"},
      {"category", "discount", "paid", "points", "quantity", "sku", "steps", "subtotal", "unit_price"},
      {"have", "metric", "missing", "need"},
      {"cut", "limit", "period", "used_before"},
      {"drop_to", "evaluation_date", "held_tier", "needs", "next_tier", "permille", "retain_needs", "spend_needed",
       "tier"},
      {"at", "caps", "discount", "growth", "line_points", "lines", "local_date", "paid", "points", "progress",
       "progress_after", "subtotal", "tier"},
      {"at", "caps", "discount", "expires_at", "growth", "line_points", "lines", "local_date", "paid", "points",
       "progress", "progress_after", "subtotal", "tier"},
  };
  return shapes[static_cast<std::size_t>(shape)];
}

void TapeStrings::clear() {
  slots_.assign(kSlots, Slot{});
  by_text_.clear();
  strings_.clear();
}

}  // namespace loyalty
