// The ids of the last events a state applied, oldest first, so that a
// client's retry of an event is a no-op. Each id is kept with a 32-bit hash
// in a fixed ring: asking whether an id is among them compares the 64 hashes
// at once and reads the ids only on a match, where comparing every id was a
// third of a small event's cost.
#pragma once

#include <array>
#include <cstdint>
#include <iterator>
#include <string>
#include <string_view>
#include <vector>

namespace loyalty {

// How many recent event ids a state remembers to make retries no-ops (the
// server remembers every id; this makes a client's own retries safe too).
inline constexpr std::size_t kRecentEvents = 64;

class RecentEvents {
 public:
  // The ids from the oldest to the newest.
  class const_iterator {
   public:
    using iterator_category = std::forward_iterator_tag;
    using value_type = std::string;
    using difference_type = std::ptrdiff_t;
    using pointer = const std::string*;
    using reference = const std::string&;
    const_iterator(const RecentEvents* events, std::size_t k) : events_(events), k_(k) {}
    const std::string& operator*() const { return events_->at(k_); }
    const std::string* operator->() const { return &events_->at(k_); }
    const_iterator& operator++() {
      ++k_;
      return *this;
    }
    bool operator==(const const_iterator& o) const { return k_ == o.k_; }
    bool operator!=(const const_iterator& o) const { return k_ != o.k_; }

   private:
    const RecentEvents* events_;
    std::size_t k_;
  };

  // An id's hash, for the calls below: apply() finds it once for both.
  static std::uint32_t hash(std::string_view id);
  bool contains(std::string_view id) const { return contains(id, hash(id)); }
  bool contains(std::string_view id, std::uint32_t hash) const;
  // Remembers `id` as the newest; past kRecentEvents the oldest is forgotten.
  void push_back(std::string_view id) { push_back(id, hash(id)); }
  void push_back(std::string_view id, std::uint32_t hash);

  std::size_t size() const { return ids_.size(); }
  bool empty() const { return ids_.empty(); }
  const std::string& back() const { return at(ids_.size() - 1); }
  const_iterator begin() const { return {this, 0}; }
  const_iterator end() const { return {this, ids_.size()}; }

  std::size_t heap_bytes() const;

 private:
  // The k-th oldest: once the ring is full, the oldest is where the next goes.
  const std::string& at(std::size_t k) const { return ids_[(next_ + k) % ids_.size()]; }

  // A ring: the id pushed n-th, and its hash, are at n % kRecentEvents, so
  // the newest takes the place (and the buffer) of the one it makes the
  // state forget. Hashes of places not yet used are 0: a match there only
  // costs a look at the ids.
  std::vector<std::string> ids_;
  std::array<std::uint32_t, kRecentEvents> hashes_{};
  std::size_t next_ = 0;  // where the next id goes; 0 until the ring is full
};

}  // namespace loyalty
