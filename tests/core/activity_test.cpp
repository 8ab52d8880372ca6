// A qualification window's sums come from running totals that carry on past
// the days forgotten: they must equal the plain sum of the days held however
// days are added, forgotten, put back and restored, and whether a window
// begins where the last one did, a day on, or anywhere.
#include <gtest/gtest.h>

#include <map>

#include "loyalty/activity.hpp"
#include "splitmix64.hpp"

namespace loyalty {
namespace {

ActivityDay plain_sum(const std::map<std::int64_t, ActivityDay>& days, std::int64_t first, std::int64_t last) {
  ActivityDay sum;
  for (const auto& [day, d] : days) {
    if (day < first || day > last) continue;
    sum.growth += d.growth;
    sum.spend += d.spend;
    sum.orders += d.orders;
  }
  return sum;
}

TEST(Activity, WindowSumsEqualThePlainSumWhileDaysAreAddedForgottenAndPutBack) {
  testing::SplitMix64 random{7};
  Activity activity;
  std::map<std::int64_t, ActivityDay> held;  // the plain model
  std::int64_t today = 20000;
  std::int64_t asked_first = today;  // where the last window asked began
  for (int step = 0; step < 5000; ++step) {
    const std::int64_t roll = random.below(10);
    if (roll < 6) {
      // Today, or a day back (a refund of an older order).
      const std::int64_t day = today - random.below(3);
      const std::int64_t growth = random.below(100) - 20;
      if (held.empty() || day >= held.begin()->first) {
        activity.add(day, growth, growth * 3, 1);
        ActivityDay& d = held[day];
        d.day = day;
        d.growth += growth;
        d.spend += growth * 3;
        d.orders += 1;
      }
    } else if (roll < 8) {
      today += random.below(4);
      const std::int64_t keep_from = today - 30;
      const std::vector<ActivityDay> gone = activity.forget_before(keep_from);
      if (random.below(8) == 0) {
        activity.put_front(gone);  // an event refused: the days come back
      } else {
        held.erase(held.begin(), held.lower_bound(keep_from));
      }
    } else {
      const std::int64_t last = today - random.below(40);
      // Half the windows move on from the last one, as a day's evaluations do.
      const std::int64_t first = random.below(2) ? asked_first + random.below(2) : last - random.below(40);
      asked_first = first;
      const ActivityDay got = activity.between(first, last);
      const ActivityDay want = plain_sum(held, first, last);
      ASSERT_EQ(got.growth, want.growth) << "step " << step << ", days " << first << ".." << last;
      ASSERT_EQ(got.spend, want.spend) << "step " << step;
      ASSERT_EQ(got.orders, want.orders) << "step " << step;
    }
    ASSERT_EQ(activity.size(), held.size()) << "step " << step;
  }
}

}  // namespace
}  // namespace loyalty
