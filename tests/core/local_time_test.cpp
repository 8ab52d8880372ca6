#include "loyalty/local_time.hpp"

#include <gtest/gtest.h>

#include <cstdio>

namespace loyalty {
namespace {

constexpr TimeMs kHour = 3600000;

TEST(LocalTime, TheEpochIsTheFirstOfJanuary1970InUtc) {
  EXPECT_EQ(local_date(0, 0).iso(), "1970-01-01");
}

TEST(LocalTime, UtcPlus8IsAlreadyTomorrowAt16HoursUtc) {
  const TimeMs t = 1795276800000;  // 2026-11-21T16:00:00Z
  EXPECT_EQ(local_date(t - 1, 0).iso(), "2026-11-21");
  EXPECT_EQ(local_date(t - 1, 480).iso(), "2026-11-21");  // 23:59:59.999 in Shanghai
  EXPECT_EQ(local_date(t, 480).iso(), "2026-11-22");      // 00:00 in Shanghai
  EXPECT_EQ(local_date(t, 0).iso(), "2026-11-21");
}

TEST(LocalTime, NegativeOffsetsReachBackBeforeTheEpochDay) {
  EXPECT_EQ(local_day_number(0, -300), -1);
  EXPECT_EQ(local_date(5 * kHour, -300).iso(), "1970-01-01");
}

TEST(LocalTime, LeapDaysAndCenturyRulesFollowTheGregorianCalendar) {
  EXPECT_EQ(date_from_day_number(11016).iso(), "2000-02-29");  // 2000 is a leap year
  EXPECT_EQ(date_from_day_number(47540).iso(), "2100-02-28");  // 2100 is not a leap year
  EXPECT_EQ(date_from_day_number(47541).iso(), "2100-03-01");
  EXPECT_EQ(local_date(kMaxTimeMs, 0).iso(), "9999-12-31");
}

TEST(LocalTime, DayNumbersAndDatesAgreeForFourHundredYears) {
  LocalDate previous = date_from_day_number(-1);
  for (std::int64_t day = 0; day < 146097; ++day) {
    const LocalDate d = date_from_day_number(day);
    const bool next_day = d.day == previous.day + 1 && d.month == previous.month;
    const bool next_month = d.day == 1 && (d.month == previous.month + 1 ||
                                           (d.month == 1 && previous.month == 12));
    ASSERT_TRUE(next_day || next_month) << d.iso() << " after " << previous.iso();
    previous = d;
  }
}

TEST(LocalTime, EveryAcceptedDayRoundTripsAndIsWrittenAsPrintfWould) {
  const std::int64_t last = local_day_number(kMaxTimeMs, 0);
  for (std::int64_t day = 0; day <= last; ++day) {
    const LocalDate d = date_from_day_number(day);
    ASSERT_EQ(day_number_from_date(d), day);
    char expected[16];
    std::snprintf(expected, sizeof expected, "%04d-%02d-%02d", d.year, d.month, d.day);
    ASSERT_EQ(DayText(day).view(), expected);
  }
}

TEST(LocalTime, DaysOutsideFourDigitYearsAreWrittenWithTheirSignAndAllTheirDigits) {
  EXPECT_EQ(DayText(-719529).view(), "-001-12-31");  // the day before 0000-01-01
  EXPECT_EQ(DayText(-719528).view(), "0000-01-01");
  EXPECT_EQ(DayText(-719468).view(), "0000-03-01");
  const std::int64_t after_9999 = local_day_number(kMaxTimeMs, 0) + 1;
  EXPECT_EQ(DayText(after_9999).view(), "10000-01-01");
  EXPECT_EQ(DayText(after_9999).view(), date_from_day_number(after_9999).iso());
}

}  // namespace
}  // namespace loyalty
