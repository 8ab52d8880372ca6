#include "loyalty/answer_tape.hpp"

#include <cstring>
#include <functional>

namespace loyalty {

bool TapeStrings::find(std::string_view s, Found& found) {
  Slot& slot = slots_[(std::hash<const void*>{}(s.data()) ^ s.size()) % kSlots];
  if (slot.data == s.data() && slot.size == s.size() &&
      std::memcmp(strings_[slot.index].data(), s.data(), s.size()) == 0) {
    found = {slot.index, false};
    return true;
  }
  if (s.size() > kMaxLength) return false;
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
  slot = {s.data(), s.size(), found.index};
  return true;
}

void TapeStrings::clear() {
  slots_.assign(kSlots, Slot{});
  by_text_.clear();
  strings_.clear();
}

}  // namespace loyalty
