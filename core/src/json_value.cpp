// Looking up an object's members (loyalty/json_value.hpp). Every field a
// reader asks for is a lookup, ~1,800 of them to open a member with a year
// of history: this file is built for speed in the module
// (core/CMakeLists.txt), the parser beside it for size.
#include <algorithm>

#include "loyalty/json_value.hpp"

namespace loyalty {

namespace {

// Keys are short, and those of one object mostly differ in length or
// first letter: compared byte by byte here rather than by a call to
// memcmp, which in the module is a loop of bytes anyway.
bool same_key(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (a[i] != b[i]) return false;
  }
  return true;
}

}  // namespace

std::size_t JsonValue::find_index(std::string_view key, std::size_t from) const {
  if (!is_object()) return 0;
  // Members are sorted: a short object is scanned, from `from` round to
  // it, a long one halved.
  if (size_ <= 16) {
    for (std::size_t i = from < size_ ? from : 0, n = 0; n < size_; ++n) {
      if (same_key(members_[i].key, key)) return i;
      if (++i == size_) i = 0;
    }
    return size_;
  }
  const JsonMember* m = std::lower_bound(members_, members_ + size_, key,
                                         [](const JsonMember& a, std::string_view k) { return json_key_less(a.key, k); });
  return m != members_ + size_ && same_key(m->key, key) ? static_cast<std::size_t>(m - members_) : size_;
}

const JsonValue* JsonValue::find(std::string_view key) const {
  const std::size_t i = find_index(key);
  return i < size() ? &members_[i].value : nullptr;
}

}  // namespace loyalty
