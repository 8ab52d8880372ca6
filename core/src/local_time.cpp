#include "loyalty/local_time.hpp"

#include <cstdio>

namespace loyalty {

namespace {
constexpr std::int64_t kMsPerDay = 86400000;

std::int64_t floor_div(std::int64_t a, std::int64_t b) {
  std::int64_t q = a / b;
  if ((a % b != 0) && ((a < 0) != (b < 0))) --q;
  return q;
}
}  // namespace

std::string LocalDate::iso() const {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", static_cast<int>(year),
                static_cast<int>(month), static_cast<int>(day));
  return buf;
}

std::int64_t local_day_number(TimeMs at, std::int32_t utc_offset_minutes) {
  return floor_div(at + static_cast<std::int64_t>(utc_offset_minutes) * 60000, kMsPerDay);
}

// Howard Hinnant's civil_from_days: exact for the proleptic Gregorian calendar.
LocalDate date_from_day_number(std::int64_t z) {
  z += 719468;
  const std::int64_t era = floor_div(z, 146097);
  const std::int64_t doe = z - era * 146097;
  const std::int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const std::int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const std::int64_t mp = (5 * doy + 2) / 153;
  const std::int64_t d = doy - (153 * mp + 2) / 5 + 1;
  const std::int64_t m = mp < 10 ? mp + 3 : mp - 9;
  const std::int64_t y = yoe + era * 400 + (m <= 2 ? 1 : 0);
  return {static_cast<std::int32_t>(y), static_cast<std::int32_t>(m), static_cast<std::int32_t>(d)};
}

LocalDate local_date(TimeMs at, std::int32_t utc_offset_minutes) {
  return date_from_day_number(local_day_number(at, utc_offset_minutes));
}

}  // namespace loyalty
