#include "loyalty/answer_tape.hpp"

#include <cstring>
#include <cstdint>

namespace loyalty {

namespace {

// Whether two runs of `n` bytes are the same, eight bytes at a time and the
// tail as one overlapping word: a call to memcmp per string was a tenth of a
// preview's tape in WASM, and a byte loop for the tail most of what is left.
template <typename Word>
Word load(const char* p) {
  Word w;
  std::memcpy(&w, p, sizeof w);
  return w;
}

bool same_bytes(const char* a, const char* b, std::size_t n) {
  if (n >= 8) {
    for (std::size_t i = 0; i + 8 < n; i += 8) {
      if (load<std::uint64_t>(a + i) != load<std::uint64_t>(b + i)) return false;
    }
    return load<std::uint64_t>(a + n - 8) == load<std::uint64_t>(b + n - 8);
  }
  if (n >= 4) return load<std::uint32_t>(a) == load<std::uint32_t>(b) && load<std::uint32_t>(a + n - 4) == load<std::uint32_t>(b + n - 4);
  return n == 0 || (a[0] == b[0] && a[n / 2] == b[n / 2] && a[n - 1] == b[n - 1]);
}

}  // namespace

bool TapeStrings::find(std::string_view s, Found& found) {
  // Fibonacci hashing of the address: std::hash of a pointer is a murmur
  // hash in libc++, and slots need only spread addresses. The size is added
  // above the bits that tell literals apart: XOR-ed into the low bits, it
  // gave neighbouring keys one slot ("drop_to" at ...a1 and
  // "evaluation_date" at ...a9), and each evicted the other on every answer.
  const auto address = reinterpret_cast<std::uintptr_t>(s.data()) + (s.size() << 16);
  Slot& slot = slots_[static_cast<std::uint32_t>(address * 0x9e3779b1u) >> (32 - kSlotBits)];
  if (slot.data == s.data() && slot.size == s.size() && same_bytes(slot.kept, s.data(), s.size())) {
    found = {slot.index, false};
    return true;
  }
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
