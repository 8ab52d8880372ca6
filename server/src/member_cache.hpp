// Parsed members stay parsed: the states of the members seen last, each with
// the version it has in the store, so that a member's next request applies
// to the state in memory instead of reading it again. The version is checked
// against the store inside the member's transaction, so a state another
// server has changed since is never used. Bounded in members and in memory
// (each state weighed by what it holds on the heap): the member seen longest
// ago leaves first.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <list>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

#include "loyalty/member_state.hpp"

namespace loyalty::server {

class MemberCache {
 public:
  MemberCache(std::size_t capacity, std::size_t budget_bytes) : capacity_(capacity), budget_bytes_(budget_bytes) {}

  // The member's state, taken out (no other request of the member finds it
  // while it is out), at whatever version it is held: the caller uses it
  // only at the store's version, and puts it back once its transaction has
  // committed. `program_version` is set to the programme version it was
  // read under.
  std::optional<MemberState> take(const std::string& member_id, std::int64_t& program_version);

  // What holding a member's state costs: the state, what it holds on the
  // heap, and the cache's own entry for it.
  static std::size_t bytes_held(const std::string& member_id, const MemberState& state);
  // Holds `state` as the member's committed state (state.version, read
  // under `program_version`), unless a newer one is held; `bytes` is what
  // it costs (bytes_held()).
  void put(const std::string& member_id, MemberState state, std::int64_t program_version, std::size_t bytes);

  std::size_t size() const;
  std::size_t bytes() const;
  std::size_t budget_bytes() const { return budget_bytes_; }

  // How well it serves, for /healthz: requests applied to a held state
  // (hits) or to one read from the store (misses), and transactions run a
  // second time because a held state's assumed stamp failed its check
  // (another server changed the member, a batch sent again, a token revoked
  // or out of tokens; PostgreSQL only).
  void count_use(bool hit) { ++(hit ? hits_ : misses_); }
  void count_rerun() { ++reruns_; }
  std::int64_t hits() const { return hits_; }
  std::int64_t misses() const { return misses_; }
  std::int64_t reruns() const { return reruns_; }

 private:
  struct Held {
    MemberState state;
    std::int64_t program_version = 0;
    std::size_t bytes = 0;
    std::list<std::string>::iterator recency;
  };
  void evict_least_recent();

  const std::size_t capacity_;
  const std::size_t budget_bytes_;
  std::size_t bytes_ = 0;
  mutable std::mutex mutex_;
  std::unordered_map<std::string, Held> held_;
  std::list<std::string> recency_;  // seen last at the front
  std::atomic<std::int64_t> hits_{0};
  std::atomic<std::int64_t> misses_{0};
  std::atomic<std::int64_t> reruns_{0};
};

}  // namespace loyalty::server
