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

void TapeStrings::clear() {
  slots_.assign(kSlots, Slot{});
  by_text_.clear();
  strings_.clear();
}

}  // namespace loyalty
