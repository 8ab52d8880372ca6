// When a lot earned at a moment expires. Period-end answers are remembered
// per thread for the last period asked; these tests ask across periods,
// programmes and offsets in every order and expect what a first ask gives.
#include <gtest/gtest.h>

#include <algorithm>
#include <vector>

#include "loyalty/points_ledger.hpp"
#include "loyalty/program.hpp"
#include "splitmix64.hpp"

namespace loyalty {
namespace {

constexpr TimeMs kHour = 3600000;
constexpr TimeMs k20261231 = 1798675200000;  // 2026-12-31T00:00:00Z

Program period_end(ExpiryPeriod period, std::int64_t periods, std::int32_t offset) {
  Program p;
  p.utc_offset_minutes = offset;
  p.expiry.policy = ExpiryPolicy::period_end;
  p.expiry.period = period;
  p.expiry.periods = periods;
  return p;
}

std::string expiry_date(const Program& p, TimeMs earned_at) {
  return local_date(*expiry_for(p, earned_at), p.utc_offset_minutes).iso();
}

TEST(PointsExpiry, PeriodEndExpiresAtTheStartOfTheLocalPeriodAfterThePeriodsToKeep) {
  const Program year = period_end(ExpiryPeriod::year, 1, 480);
  // 23:59 on 31 December in Shanghai is still 2026; a minute later is 2027.
  EXPECT_EQ(expiry_date(year, k20261231 + 15 * kHour + 59 * 60000), "2028-01-01");
  EXPECT_EQ(expiry_date(year, k20261231 + 16 * kHour), "2029-01-01");
  EXPECT_EQ(*expiry_for(year, k20261231), 1830297600000 - 8 * kHour);  // 2028-01-01T00:00+08:00
  const Program quarter = period_end(ExpiryPeriod::quarter, 4, 480);
  EXPECT_EQ(expiry_date(quarter, k20261231), "2028-01-01");
  const Program month = period_end(ExpiryPeriod::month, 0, -300);
  EXPECT_EQ(expiry_date(month, k20261231), "2027-01-01");
  EXPECT_EQ(expiry_date(month, k20261231 + 28 * kHour + 59 * 60000), "2027-01-01");  // 23:59 in New York
  EXPECT_EQ(expiry_date(month, k20261231 + 29 * kHour), "2027-02-01");
}

TEST(PointsExpiry, AnswersAreTheSameAskedInTimeOrderOrInterleavedAcrossProgrammes) {
  const std::vector<Program> programs = {
      period_end(ExpiryPeriod::year, 1, 480), period_end(ExpiryPeriod::year, 2, 480),
      period_end(ExpiryPeriod::quarter, 4, 480), period_end(ExpiryPeriod::quarter, 4, -300),
      period_end(ExpiryPeriod::month, 0, 480), period_end(ExpiryPeriod::month, 3, 0)};
  testing::SplitMix64 rng{7};
  std::vector<TimeMs> times;
  for (int i = 0; i < 2000; ++i) {
    // Many near period boundaries: within a few hours of a month's turn.
    const auto month = rng.below(60);
    const TimeMs turn = 1767225600000 + month * 30 * 24 * kHour;  // about the start of a month from 2026
    times.push_back(turn + rng.below(48 * kHour) - 24 * kHour);
  }
  std::sort(times.begin(), times.end());
  // First: each programme alone, in time order (the remembered period mostly used).
  std::vector<std::vector<std::optional<TimeMs>>> in_order(programs.size());
  for (std::size_t p = 0; p < programs.size(); ++p) {
    for (TimeMs t : times) in_order[p].push_back(expiry_for(programs[p], t));
  }
  // Then: the programmes interleaved, times in a shuffled order.
  std::vector<std::size_t> order(times.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  for (std::size_t i = order.size() - 1; i > 0; --i) std::swap(order[i], order[static_cast<std::size_t>(rng.below(static_cast<std::int64_t>(i) + 1))]);
  for (std::size_t i : order) {
    for (std::size_t p = 0; p < programs.size(); ++p) {
      ASSERT_EQ(expiry_for(programs[p], times[i]), in_order[p][i]) << "programme " << p << " at " << times[i];
    }
  }
  // Every answer is the start of a month, after the moment earned.
  for (std::size_t p = 0; p < programs.size(); ++p) {
    for (std::size_t i = 0; i < times.size(); ++i) {
      const LocalDate d = local_date(*in_order[p][i], programs[p].utc_offset_minutes);
      EXPECT_EQ(d.day, 1);
      EXPECT_GT(*in_order[p][i], times[i]);
      EXPECT_EQ(local_day_number(*in_order[p][i], programs[p].utc_offset_minutes) * 86400000 -
                    programs[p].utc_offset_minutes * 60000,
                *in_order[p][i]);
    }
  }
}

}  // namespace
}  // namespace loyalty
