// Answers as a tape: the same values as the JSON answers, in a binary form
// that the JS API turns into objects several times faster than JSON.parse
// reads the text, written without formatting a digit or scanning a string
// for escapes. Only the JS host reads it (wasm/js/tape.js); JSON stays the
// answer everywhere else.
//
// A tape is a u32 (little-endian) header, the number of strings the host's
// decoder held when it was written, then one value:
//   0x01 ... 0x02   an object: key, value, key, value ... (keys are strings)
//   0x03 ... 0x04   an array
//   0x05 null, 0x06 true, 0x07 false
//   0x08 i32        an integer that fits 32 bits
//   0x09 u32 i32    any other integer: its low and high halves
//   0x0a u32 bytes  a string, UTF-8, as it is
//   0x0b u16        a string sent before: its index
//   0x0c u16 bytes  a string sent now: it takes the next index on both sides
//   0x0d u32 bytes  JSON text, as it is
//   0x0e u8 ... 0x02  an object of a shape both sides know (TapeShape): its
//                   values only, in the order of the shape's keys
// Keys and short values repeat from answer to answer (field names, tier and
// category ids, rule names), so each is sent once and then by index. The
// objects every preview holds many of are sent by shape: the JS side builds
// each with one object literal, several times faster than adding its keys
// one by one, and the writer skips the keys.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <deque>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace loyalty {

namespace tape {
enum Tag : std::uint8_t {
  begin_object = 1, end_object, begin_array, end_array, null, yes, no,
  int32, int64, string, string_ref, string_def, json_text, shaped_object,
};
}  // namespace tape

// The shapes a tape may send objects by, numbered as on the wire. Their keys,
// in order, are tape_shape_keys'; wasm/js/tape.js builds the same objects in
// the same order, and debug builds check every shaped object's keys as they
// are written.
enum class TapeShape : std::uint8_t {
  step,              // an earning step of a base or a floor at zero
  step_with_id,      // a category's that does not earn
  rated_step,        // a category's, SKU's, campaign's, recall's or tier's
  line,              // a preview's line
  need,              // a metric a tier needs
  cap,               // a cap that cut a preview's points
  progress,          // tier progress without a paid tier or a downgrade date
  preview,           // an order preview without expiry or vesting times
  expiring_preview,  // one with an expiry time, without a vesting time
};
inline constexpr std::size_t kTapeShapes = 9;
// A shape's keys, in the order the writer writes them.
const std::vector<std::string_view>& tape_shape_keys(TapeShape shape);

// The strings one decoder has been sent, by index: what a tape may refer to.
class TapeStrings {
 public:
  static constexpr std::size_t kMaxStrings = 4096;   // then strings go as they are
  static constexpr std::size_t kMaxLength = 64;      // longer ones always do

  struct Found {
    std::uint16_t index = 0;
    bool added = false;  // new: the tape sends its text with it
  };
  // Its index, adding it if there is room; false when it must go as it is.
  // Inline for the common case, a string whose address's slot answers it
  // (always: in the module the writer calls it for every key and string).
  [[gnu::always_inline]] bool find(std::string_view s, Found& found) {
    Slot& slot = slot_of(s);
    if (slot.data == s.data() && slot.size == s.size() && same_bytes(slot.kept, s.data(), s.size())) {
      found = {slot.index, false};
      return true;
    }
    return find_by_text(s, slot, found);
  }

  std::size_t size() const { return strings_.size(); }
  // How many finds were not answered by their address's slot and looked the
  // text up (the slow way): for tests and benchmarks.
  std::size_t text_lookups() const { return text_lookups_; }
  // Forgets every string (the decoder lost step and forgets its copy too).
  void clear();

 private:
  // Most strings are the same literal or programme id at the same address
  // from call to call: a slot per address answers them without hashing the
  // text, and a check of the text keeps an address reused for other text
  // from being taken for it.
  struct Slot {
    const char* data = nullptr;
    std::size_t size = 0;
    const char* kept = nullptr;  // the text as sent (strings_ never move)
    std::uint16_t index = 0;
  };
  static constexpr unsigned kSlotBits = 10;
  static constexpr std::size_t kSlots = std::size_t{1} << kSlotBits;

  [[gnu::always_inline]] Slot& slot_of(std::string_view s) {
    // Fibonacci hashing of the address: std::hash of a pointer is a murmur
    // hash in libc++, and slots need only spread addresses. The size is added
    // above the bits that tell literals apart: XOR-ed into the low bits, it
    // gave neighbouring keys one slot ("drop_to" at ...a1 and
    // "evaluation_date" at ...a9), and each evicted the other on every answer.
    const auto address = reinterpret_cast<std::uintptr_t>(s.data()) + (s.size() << 16);
    return slots_[static_cast<std::uint32_t>(address * 0x9e3779b1u) >> (32 - kSlotBits)];
  }
  // The string looked up by its text (and added if new), then kept in `slot`.
  bool find_by_text(std::string_view s, Slot& slot, Found& found);

  template <typename Word>
  static Word load(const char* p) {
    Word w;
    std::memcpy(&w, p, sizeof w);
    return w;
  }
  // Whether two runs of `n` bytes are the same, eight bytes at a time and the
  // tail as one overlapping word: a call to memcmp per string was a tenth of a
  // preview's tape in WASM, and a byte loop for the tail most of what is left.
  [[gnu::always_inline]] static bool same_bytes(const char* a, const char* b, std::size_t n) {
    if (n >= 8) {
      for (std::size_t i = 0; i + 8 < n; i += 8) {
        if (load<std::uint64_t>(a + i) != load<std::uint64_t>(b + i)) return false;
      }
      return load<std::uint64_t>(a + n - 8) == load<std::uint64_t>(b + n - 8);
    }
    if (n >= 4) {
      return load<std::uint32_t>(a) == load<std::uint32_t>(b) && load<std::uint32_t>(a + n - 4) == load<std::uint32_t>(b + n - 4);
    }
    return n == 0 || (a[0] == b[0] && a[n / 2] == b[n / 2] && a[n - 1] == b[n - 1]);
  }
  std::vector<Slot> slots_ = std::vector<Slot>(kSlots);
  std::deque<std::string> strings_;  // a deque: its strings never move, so views of them hold
  std::unordered_map<std::string_view, std::uint16_t> by_text_;
  std::size_t text_lookups_ = 0;
};

}  // namespace loyalty
