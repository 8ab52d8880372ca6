#include "loyalty/recent_events.hpp"

#include <algorithm>

#include "heap_bytes.hpp"

namespace loyalty {

std::uint32_t RecentEvents::hash(std::string_view id) {
  std::uint32_t h = 2166136261u;  // FNV-1a
  for (const char c : id) h = (h ^ static_cast<unsigned char>(c)) * 16777619u;
  return h;
}

bool RecentEvents::contains(std::string_view id, std::uint32_t h) const {
  // No early exit: a fixed count of compares the compiler does in vectors.
  std::uint32_t matches = 0;
  for (const std::uint32_t held : hashes_) matches |= held == h ? ~0u : 0u;
  return matches != 0 && std::find(ids_.begin(), ids_.end(), id) != ids_.end();
}

void RecentEvents::push_back(std::string_view id, std::uint32_t h) {
  if (ids_.size() < kRecentEvents) {
    hashes_[ids_.size()] = h;
    ids_.emplace_back(id);
    return;
  }
  hashes_[next_] = h;
  std::string& slot = ids_[next_];
  // Ids mostly have one length (a client's counter, a UUID): copied over
  // the one forgotten, without the general assign's checks.
  if (slot.size() == id.size()) std::copy_n(id.data(), id.size(), slot.data());
  else slot.assign(id.data(), id.size());
  next_ = (next_ + 1) % kRecentEvents;
}

std::size_t RecentEvents::heap_bytes() const { return heap_bytes::of(ids_); }

}  // namespace loyalty
