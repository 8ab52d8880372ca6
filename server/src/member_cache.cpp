#include "member_cache.hpp"

namespace loyalty::server {

std::optional<MemberState> MemberCache::take(const std::string& member_id, std::int64_t version) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = held_.find(member_id);
  if (it == held_.end()) return std::nullopt;
  std::optional<MemberState> state;
  if (it->second.state.version == version) state = std::move(it->second.state);
  recency_.erase(it->second.recency);
  held_.erase(it);  // taken, or stale: either way no longer held
  return state;
}

void MemberCache::put(const std::string& member_id, MemberState state) {
  if (capacity_ == 0) return;
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = held_.find(member_id);
  if (it != held_.end()) {
    if (it->second.state.version >= state.version) return;
    it->second.state = std::move(state);
    recency_.splice(recency_.begin(), recency_, it->second.recency);
    return;
  }
  recency_.push_front(member_id);
  held_.emplace(member_id, Held{std::move(state), recency_.begin()});
  if (held_.size() > capacity_) {
    held_.erase(recency_.back());
    recency_.pop_back();
  }
}

std::size_t MemberCache::size() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return held_.size();
}

}  // namespace loyalty::server
