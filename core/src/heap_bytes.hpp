// What values hold on the heap, counted as glibc's malloc gives it out (a
// chunk is the request plus 8 bytes, in 16-byte steps, 32 at least), so
// that a cache of parsed states can keep to a budget of real memory.
// Internal to the core; MemberState::heap_bytes() is the way in.
#pragma once

#include <cstddef>
#include <set>
#include <string>
#include <vector>

#include "loyalty/text_set.hpp"

namespace loyalty::heap_bytes {

inline std::size_t block(std::size_t bytes) {
  if (bytes == 0) return 0;
  const std::size_t chunk = (bytes + 8 + 15) & ~std::size_t{15};
  return chunk < 32 ? 32 : chunk;
}

// Past the 15 characters a string holds in itself (libstdc++).
inline std::size_t of(const std::string& s) { return s.capacity() > 15 ? block(s.capacity() + 1) : 0; }

template <typename T>
std::size_t of_array(const std::vector<T>& v) {
  return block(v.capacity() * sizeof(T));
}

inline std::size_t of(const std::vector<std::string>& v) {
  std::size_t bytes = of_array(v);
  for (const std::string& s : v) bytes += of(s);
  return bytes;
}

// A red-black tree node: three pointers and a colour before the value.
template <typename T, typename Compare, typename Allocator>
std::size_t of_nodes(const std::set<T, Compare, Allocator>& set) {
  return set.size() * block(32 + sizeof(T));
}

inline std::size_t of(const TextSet& set) {
  std::size_t bytes = set.node_bytes();  // a pool's chunks, of a few large blocks
  for (const std::string& s : set) bytes += of(s);
  return bytes;
}

}  // namespace loyalty::heap_bytes
