#include "rate_limiter.hpp"

#include <algorithm>

namespace loyalty::server {

std::int64_t LocalRateLimiter::take(const std::string& key, std::int64_t now_ms) {
  if (per_minute_ <= 0) return 0;  // unlimited
  const RateTake take{per_minute_, now_ms};
  const double capacity = static_cast<double>(per_minute_);
  const double per_ms = take.per_ms();
  std::lock_guard<std::mutex> lock(mutex_);
  // Full buckets are dropped, so the map holds only recently active keys.
  if (buckets_.size() > 100000) {
    for (auto it = buckets_.begin(); it != buckets_.end();) {
      const double refilled = it->second.tokens + static_cast<double>(now_ms - it->second.updated_ms) * per_ms;
      it = refilled >= capacity ? buckets_.erase(it) : std::next(it);
    }
  }
  auto [it, fresh] = buckets_.try_emplace(key, Bucket{capacity, now_ms});
  Bucket& b = it->second;
  if (!fresh) {
    b.tokens = std::min(capacity, b.tokens + static_cast<double>(std::max<std::int64_t>(0, now_ms - b.updated_ms)) * per_ms);
    b.updated_ms = now_ms;
  }
  if (b.tokens >= 1.0) {
    b.tokens -= 1.0;
    return 0;
  }
  return take.seconds_until_a_token(b.tokens);
}

}  // namespace loyalty::server
