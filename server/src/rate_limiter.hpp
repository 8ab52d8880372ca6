// Token buckets per key ("member:m-1", "ip:10.0.0.7"): `per_minute` requests
// a minute, bursts up to the same number. A refused request learns how many
// seconds until the next one is allowed (Retry-After).
#pragma once

#include <cstdint>
#include <mutex>
#include <string>
#include <unordered_map>

namespace loyalty::server {

class RateLimiter {
 public:
  explicit RateLimiter(std::int64_t per_minute) : per_minute_(per_minute) {}
  // 0 when allowed (and counted); else the seconds to wait.
  std::int64_t take(const std::string& key, std::int64_t now_ms);

 private:
  struct Bucket {
    double tokens = 0;
    std::int64_t updated_ms = 0;
  };
  std::int64_t per_minute_;
  std::mutex mutex_;
  std::unordered_map<std::string, Bucket> buckets_;
};

}  // namespace loyalty::server
