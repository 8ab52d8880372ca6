// Parsed members stay parsed: the states of the members seen last, each with
// the version it has in the store, so that a member's next request applies
// to the state in memory instead of reading it again. The version is checked
// against the store inside the member's transaction, so a state another
// server has changed since is never used. Bounded: the member seen longest
// ago leaves first.
#pragma once

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
  explicit MemberCache(std::size_t capacity) : capacity_(capacity) {}

  // The member's state if it is held at `version`, taken out: the caller
  // applies to it and puts it back once its transaction has committed.
  std::optional<MemberState> take(const std::string& member_id, std::int64_t version);
  // Holds `state` as the member's committed state (state.version), unless
  // a newer one is held.
  void put(const std::string& member_id, MemberState state);

  std::size_t size() const;

 private:
  struct Held {
    MemberState state;
    std::list<std::string>::iterator recency;
  };
  const std::size_t capacity_;
  mutable std::mutex mutex_;
  std::unordered_map<std::string, Held> held_;
  std::list<std::string> recency_;  // seen last at the front
};

}  // namespace loyalty::server
