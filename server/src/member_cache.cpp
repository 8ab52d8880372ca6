#include "member_cache.hpp"

namespace loyalty::server {

std::size_t MemberCache::bytes_held(const std::string& member_id, const MemberState& state) {
  // A hash map node with the key and a list node with its copy, each with malloc's 16 bytes.
  const std::size_t entry = sizeof(std::pair<const std::string, Held>) + 16 + 2 * sizeof(void*) + 16 +
                            sizeof(std::string) + 2 * (member_id.size() > 15 ? member_id.size() + 17 : 0);
  return entry + state.heap_bytes();
}

std::optional<MemberState> MemberCache::take(const std::string& member_id, std::int64_t& program_version) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = held_.find(member_id);
  if (it == held_.end()) return std::nullopt;
  std::optional<MemberState> state = std::move(it->second.state);
  program_version = it->second.program_version;
  bytes_ -= it->second.bytes;
  recency_.erase(it->second.recency);
  held_.erase(it);  // no longer held while the caller has it
  return state;
}

void MemberCache::evict_least_recent() {
  auto it = held_.find(recency_.back());
  bytes_ -= it->second.bytes;
  held_.erase(it);
  recency_.pop_back();
}

void MemberCache::put(const std::string& member_id, MemberState state, std::int64_t program_version, std::size_t bytes) {
  if (capacity_ == 0 || bytes > budget_bytes_) return;
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = held_.find(member_id);
  if (it != held_.end()) {
    if (it->second.state.version >= state.version) return;
    bytes_ = bytes_ - it->second.bytes + bytes;
    it->second.state = std::move(state);
    it->second.program_version = program_version;
    it->second.bytes = bytes;
    recency_.splice(recency_.begin(), recency_, it->second.recency);
  } else {
    recency_.push_front(member_id);
    held_.emplace(member_id, Held{std::move(state), program_version, bytes, recency_.begin()});
    bytes_ += bytes;
  }
  while (held_.size() > capacity_ || bytes_ > budget_bytes_) evict_least_recent();
}

std::size_t MemberCache::size() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return held_.size();
}

std::size_t MemberCache::bytes() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return bytes_;
}

}  // namespace loyalty::server
