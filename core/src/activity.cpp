#include "loyalty/activity.hpp"

#include <algorithm>

namespace loyalty {

namespace {

bool before_day(const ActivityDay& a, std::int64_t day) { return a.day < day; }

}  // namespace

std::vector<ActivityDay>::iterator Activity::find(std::int64_t day) {
  return std::lower_bound(days_.begin(), days_.end(), day, before_day);
}

std::optional<ActivityDay> Activity::day(std::int64_t day) const {
  auto it = std::lower_bound(days_.begin(), days_.end(), day, before_day);
  if (it == days_.end() || it->day != day) return std::nullopt;
  return *it;
}

ActivityDay Activity::between(std::int64_t first, std::int64_t last) const {
  const auto lo = static_cast<std::size_t>(std::lower_bound(days_.begin(), days_.end(), first, before_day) - days_.begin());
  const auto hi = static_cast<std::size_t>(std::lower_bound(days_.begin(), days_.end(), last + 1, before_day) - days_.begin());
  ActivityDay sums;
  if (lo >= hi) return sums;
  const ActivityDay& to = running_[hi - 1];
  sums.growth = to.growth;
  sums.spend = to.spend;
  sums.orders = to.orders;
  if (lo > 0) {
    const ActivityDay& from = running_[lo - 1];
    sums.growth -= from.growth;
    sums.spend -= from.spend;
    sums.orders -= from.orders;
  }
  return sums;
}

void Activity::recount(std::size_t from) {
  running_.resize(days_.size());
  for (std::size_t i = from; i < days_.size(); ++i) {
    ActivityDay sum = days_[i];
    if (i > 0) {
      sum.growth += running_[i - 1].growth;
      sum.spend += running_[i - 1].spend;
      sum.orders += running_[i - 1].orders;
    }
    running_[i] = sum;
  }
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
  const auto kept = find(day);
  std::vector<ActivityDay> gone(days_.begin(), kept);
  days_.erase(days_.begin(), kept);
  recount(0);
  return gone;
}

void Activity::put_front(const std::vector<ActivityDay>& days) {
  if (days.empty()) return;
  days_.insert(days_.begin(), days.begin(), days.end());
  recount(0);
}

}  // namespace loyalty
