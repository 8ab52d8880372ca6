#include "loyalty/answer_tape.hpp"

#include <cstring>
#include <cstdint>

namespace loyalty {

namespace {

// Whether two runs of `n` bytes are the same, eight at a time: a call to
// memcmp per string was a tenth of a preview's tape in WASM.
bool same_bytes(const char* a, const char* b, std::size_t n) {
  for (; n >= 8; a += 8, b += 8, n -= 8) {
    std::uint64_t x, y;
    std::memcpy(&x, a, 8);
    std::memcpy(&y, b, 8);
    if (x != y) return false;
  }
  for (; n > 0; ++a, ++b, --n) {
    if (*a != *b) return false;
  }
  return true;
}

}  // namespace

bool TapeStrings::find(std::string_view s, Found& found) {
  // Fibonacci hashing of the address: std::hash of a pointer is a murmur
  // hash in libc++, and slots need only spread addresses.
  const auto address = reinterpret_cast<std::uintptr_t>(s.data()) ^ s.size();
  Slot& slot = slots_[static_cast<std::uint32_t>(address * 0x9e3779b1u) >> (32 - kSlotBits)];
  if (slot.data == s.data() && slot.size == s.size() && same_bytes(slot.kept, s.data(), s.size())) {
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
  slot = {s.data(), s.size(), strings_[found.index].data(), found.index};
  return true;
}

void TapeStrings::clear() {
  slots_.assign(kSlots, Slot{});
  by_text_.clear();
  strings_.clear();
}

}  // namespace loyalty
