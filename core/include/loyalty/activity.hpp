// What each local day added to a member's qualification metrics, with
// running totals, so that a window's totals cost O(log n) in the days held
// (a tier evaluation does not re-add the window). The totals run on from
// the days already forgotten, so forgetting the oldest day (every day, as
// windows move) recounts nothing.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

namespace loyalty {

// What one local day added to the qualification metrics.
struct ActivityDay {
  std::int64_t day = 0;  // local day number
  std::int64_t growth = 0;
  std::int64_t spend = 0;
  std::int64_t orders = 0;
};

class Activity {
 public:
  using const_iterator = std::vector<ActivityDay>::const_iterator;

  const_iterator begin() const { return days_.begin() + first_; }
  const_iterator end() const { return days_.end(); }
  std::size_t size() const { return days_.size() - first_; }
  bool empty() const { return size() == 0; }
  const ActivityDay& back() const { return days_.back(); }
  const ActivityDay& operator[](std::size_t i) const { return days_[first_ + i]; }
  std::optional<ActivityDay> day(std::int64_t day) const;

  // The sums of the days from `first` to `last`, both included.
  ActivityDay between(std::int64_t first, std::int64_t last) const;

  void push_back(const ActivityDay& day);  // after the last day held
  // Adds to a day's metrics, holding the day first if it is not held.
  void add(std::int64_t day, std::int64_t growth, std::int64_t spend, std::int64_t orders);
  // To undo add(): the day as it was, or not held at all.
  void restore(std::int64_t day, const std::optional<ActivityDay>& before);
  // The days before `day` leave; they are answered, to be put back by put_front().
  std::vector<ActivityDay> forget_before(std::int64_t day);
  void put_front(const std::vector<ActivityDay>& days);

  std::size_t heap_bytes() const;

 private:
  std::vector<ActivityDay>::iterator find(std::int64_t day);
  std::size_t first_at_or_after(std::int64_t day) const;  // an index into days_, from first_
  const ActivityDay& before(std::size_t i) const;  // the running totals before days_[i]
  void recount(std::size_t from);  // the running totals from days_[from] on
  void compact();  // drops the forgotten days from the vectors

  // days_[first_..] are held, ascending; the days before first_ are
  // forgotten, kept until they are many (then dropped at once).
  std::vector<ActivityDay> days_;
  std::vector<ActivityDay> running_;  // running_[i]: forgotten_ plus the sums of days_[first_..i] (`day` unused)
  std::size_t first_ = 0;
  ActivityDay forgotten_;  // the sums of every day forgotten since the state was read
  // Where the last window asked began: windows move a day at a time, so the
  // next one mostly begins there or next to it (checked, never trusted).
  mutable std::size_t window_hint_ = 0;
};

}  // namespace loyalty
