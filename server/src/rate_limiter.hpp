// Token buckets per key (a member id, an address): `per_minute` requests
// a minute, bursts up to the same number. A refused request learns how many
// seconds until the next one is allowed (Retry-After). Kept by the process
// (one server) or by the store (several servers on one PostgreSQL).
#pragma once

#include <cstdint>
#include <mutex>
#include <string>
#include <unordered_map>

#include "store.hpp"

namespace loyalty::server {

class RateLimiter {
 public:
  virtual ~RateLimiter() = default;
  // 0 when allowed (and counted); else the seconds to wait.
  virtual std::int64_t take(const std::string& key, std::int64_t now_ms) = 0;
};

// The process's own buckets.
class LocalRateLimiter : public RateLimiter {
 public:
  explicit LocalRateLimiter(std::int64_t per_minute) : per_minute_(per_minute) {}
  std::int64_t take(const std::string& key, std::int64_t now_ms) override;

 private:
  struct Bucket {
    double tokens = 0;
    std::int64_t updated_ms = 0;
  };
  std::int64_t per_minute_;
  std::mutex mutex_;
  std::unordered_map<std::string, Bucket> buckets_;
};

// Buckets in the store, shared by every server on it.
class SharedRateLimiter : public RateLimiter {
 public:
  SharedRateLimiter(Store& store, RateBucket bucket, std::int64_t per_minute)
      : store_(store), bucket_(bucket), per_minute_(per_minute) {}
  std::int64_t take(const std::string& key, std::int64_t now_ms) override {
    return per_minute_ <= 0 ? 0 : store_.take_rate(bucket_, key, {per_minute_, now_ms});
  }

 private:
  Store& store_;
  RateBucket bucket_;
  std::int64_t per_minute_;
};

}  // namespace loyalty::server
