#include "loyalty/activity.hpp"

#include <algorithm>

#include "heap_bytes.hpp"

namespace loyalty {

namespace {

bool before_day(const ActivityDay& a, std::int64_t day) { return a.day < day; }

void add_to(ActivityDay& sum, const ActivityDay& day, std::int64_t sign) {
  sum.growth += sign * day.growth;
  sum.spend += sign * day.spend;
  sum.orders += sign * day.orders;
}

}  // namespace

std::vector<ActivityDay>::iterator Activity::find(std::int64_t day) {
  return std::lower_bound(days_.begin() + first_, days_.end(), day, before_day);
}

std::optional<ActivityDay> Activity::day(std::int64_t day) const {
  auto it = std::lower_bound(begin(), end(), day, before_day);
  if (it == end() || it->day != day) return std::nullopt;
  return *it;
}

const ActivityDay& Activity::before(std::size_t i) const { return i > first_ ? running_[i - 1] : forgotten_; }

std::size_t Activity::first_at_or_after(std::int64_t day) const {
  const auto answers = [&](std::size_t i) {
    return i >= first_ && i <= days_.size() && (i == first_ || days_[i - 1].day < day) &&
           (i == days_.size() || days_[i].day >= day);
  };
  std::size_t& hint = window_hint_;
  if (!answers(hint) && !answers(++hint)) {
    hint = static_cast<std::size_t>(std::lower_bound(begin(), end(), day, before_day) - days_.begin());
  }
  return hint;
}

ActivityDay Activity::between(std::int64_t first, std::int64_t last) const {
  if (empty()) return {};
  const std::size_t lo = first_at_or_after(first);
  // A window mostly ends on the last day held or after it (today, or yesterday for an evaluation).
  const auto hi = last >= days_.back().day
                      ? days_.size()
                      : static_cast<std::size_t>(std::lower_bound(begin(), end(), last + 1, before_day) - days_.begin());
  ActivityDay sums;
  if (lo >= hi) return sums;
  sums = running_[hi - 1];
  add_to(sums, before(lo), -1);
  sums.day = 0;
  return sums;
}

void Activity::recount(std::size_t from) {
  running_.resize(days_.size());
  for (std::size_t i = std::max(from, first_); i < days_.size(); ++i) {
    ActivityDay sum = before(i);
    add_to(sum, days_[i], 1);
    running_[i] = sum;
  }
}

void Activity::compact() {
  days_.erase(days_.begin(), days_.begin() + first_);
  running_.erase(running_.begin(), running_.begin() + first_);
  first_ = 0;
}

void Activity::push_back(const ActivityDay& day) {
  days_.push_back(day);
  recount(days_.size() - 1);
}

void Activity::add(std::int64_t day, std::int64_t growth, std::int64_t spend, std::int64_t orders) {
  auto it = find(day);
  if (it == days_.end() || it->day != day) it = days_.insert(it, ActivityDay{day, 0, 0, 0});
  it->growth += growth;
  it->spend += spend;
  it->orders += orders;
  recount(static_cast<std::size_t>(it - days_.begin()));  // usually today, the last day
}

void Activity::restore(std::int64_t day, const std::optional<ActivityDay>& before) {
  auto it = find(day);
  const auto at = static_cast<std::size_t>(it - days_.begin());
  if (before) {
    *it = *before;
  } else {
    days_.erase(it);
  }
  recount(at);
}

std::vector<ActivityDay> Activity::forget_before(std::int64_t day) {
  const auto kept = static_cast<std::size_t>(find(day) - days_.begin());
  std::vector<ActivityDay> gone(days_.begin() + first_, days_.begin() + kept);
  if (kept > first_) forgotten_ = running_[kept - 1];
  first_ = kept;
  // Dropped once they outnumber the days held: amortised O(1) a day.
  if (first_ >= 32 && first_ * 2 >= days_.size()) compact();
  return gone;
}

void Activity::put_front(const std::vector<ActivityDay>& days) {
  if (days.empty()) return;
  compact();
  days_.insert(days_.begin(), days.begin(), days.end());
  for (const ActivityDay& d : days) add_to(forgotten_, d, -1);
  recount(0);
}

std::size_t Activity::heap_bytes() const { return heap_bytes::of_array(days_) + heap_bytes::of_array(running_); }

}  // namespace loyalty
