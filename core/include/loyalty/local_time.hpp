// Time is an input: UTC milliseconds since the Unix epoch. The programme's
// UTC offset turns it into the member's local calendar day. No clock, time
// zone database or locale is read.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace loyalty {

using TimeMs = std::int64_t;

// The range the core accepts: 1970-01-01T00:00:00Z .. 9999-12-31T23:59:59.999Z.
inline constexpr TimeMs kMinTimeMs = 0;
inline constexpr TimeMs kMaxTimeMs = 253402300799999;

struct LocalDate {
  std::int32_t year;
  std::int32_t month;  // 1..12
  std::int32_t day;    // 1..31

  std::string iso() const;  // "2026-11-22"
  bool operator==(const LocalDate& o) const {
    return year == o.year && month == o.month && day == o.day;
  }
};

inline constexpr TimeMs kMsPerDay = 86400000;

// Days since 1970-01-01 of the local day that contains `at` (rounded down
// before 1970). Inline: an event asks it several times, for a few
// instructions each.
inline std::int64_t local_day_number(TimeMs at, std::int32_t utc_offset_minutes) {
  const TimeMs local = at + static_cast<TimeMs>(utc_offset_minutes) * 60000;
  return local / kMsPerDay - (local % kMsPerDay < 0 ? 1 : 0);
}
LocalDate date_from_day_number(std::int64_t day_number);
std::int64_t day_number_from_date(const LocalDate& date);
LocalDate local_date(TimeMs at, std::int32_t utc_offset_minutes);

// The UTC instant at which a local day begins.
TimeMs start_of_local_day(std::int64_t day_number, std::int32_t utc_offset_minutes);

// A day's ISO text ("2026-11-22") held in place, for text that is only
// passed on (a ledger row's subject, a JSON value): no string is built.
class DayText {
 public:
  explicit DayText(std::int64_t day_number);
  std::string_view view() const { return {text_, size_}; }

 private:
  char text_[24];  // room for any int32 year: "-2147483648-12-31"
  std::size_t size_ = 0;
};

// "2026-11-11" -> a valid date, or nullopt.
std::optional<LocalDate> parse_iso_date(std::string_view text);

// Months counted from year 0: year * 12 + month - 1. Its first day:
std::int64_t month_index(const LocalDate& date);
std::int64_t first_day_of_month_index(std::int64_t index);

}  // namespace loyalty
