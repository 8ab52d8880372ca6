#include "loyalty/local_time.hpp"


namespace loyalty {

namespace {

std::int64_t floor_div(std::int64_t a, std::int64_t b) {
  std::int64_t q = a / b;
  if ((a % b != 0) && ((a < 0) != (b < 0))) --q;
  return q;
}
}  // namespace

std::string LocalDate::iso() const {
  // Written digit by digit: dates are in most answers, and printf is slow
  // where it is not the system's (WASM).
  if (year >= 0 && year <= 9999 && month >= 1 && month <= 12 && day >= 1 && day <= 31) {
    const auto digit = [](std::int32_t v) { return static_cast<char>('0' + v % 10); };
    const char text[10] = {digit(year / 1000), digit(year / 100), digit(year / 10), digit(year), '-',
                           digit(month / 10),  digit(month),      '-',              digit(day / 10), digit(day)};
    return std::string(text, sizeof text);
  }
  // As printf's "%04d-%02d-%02d" would (no printf in the module: it brings
  // a floating-point formatter with it).
  const auto padded = [](std::int64_t v, std::size_t width) {
    std::string digits = std::to_string(v < 0 ? -v : v);
    const std::size_t size = digits.size() + (v < 0 ? 1 : 0);
    if (size < width) digits.insert(0, width - size, '0');
    return v < 0 ? "-" + digits : digits;
  };
  return padded(year, 4) + "-" + padded(month, 2) + "-" + padded(day, 2);
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

// Howard Hinnant's days_from_civil, the inverse of the above.
std::int64_t day_number_from_date(const LocalDate& date) {
  const std::int64_t y = date.year - (date.month <= 2 ? 1 : 0);
  const std::int64_t era = floor_div(y, 400);
  const std::int64_t yoe = y - era * 400;
  const std::int64_t mp = date.month > 2 ? date.month - 3 : date.month + 9;
  const std::int64_t doy = (153 * mp + 2) / 5 + date.day - 1;
  const std::int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

TimeMs start_of_local_day(std::int64_t day_number, std::int32_t utc_offset_minutes) {
  return day_number * kMsPerDay - static_cast<std::int64_t>(utc_offset_minutes) * 60000;
}

std::optional<LocalDate> parse_iso_date(std::string_view text) {
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return std::nullopt;
  auto number = [&](std::size_t from, std::size_t length) -> std::optional<std::int32_t> {
    std::int32_t v = 0;
    for (std::size_t i = from; i < from + length; ++i) {
      if (text[i] < '0' || text[i] > '9') return std::nullopt;
      v = v * 10 + (text[i] - '0');
    }
    return v;
  };
  auto y = number(0, 4), m = number(5, 2), d = number(8, 2);
  if (!y || !m || !d || *y < 1970 || *m < 1 || *m > 12 || *d < 1) return std::nullopt;
  const LocalDate date{*y, *m, *d};
  // A day past the month's end comes back as another date.
  if (!(date_from_day_number(day_number_from_date(date)) == date)) return std::nullopt;
  return date;
}

std::int64_t month_index(const LocalDate& date) {
  return static_cast<std::int64_t>(date.year) * 12 + date.month - 1;
}

std::int64_t first_day_of_month_index(std::int64_t index) {
  const auto year = static_cast<std::int32_t>(floor_div(index, 12));
  const auto month = static_cast<std::int32_t>(index - static_cast<std::int64_t>(year) * 12 + 1);
  return day_number_from_date({year, month, 1});
}

LocalDate local_date(TimeMs at, std::int32_t utc_offset_minutes) {
  return date_from_day_number(local_day_number(at, utc_offset_minutes));
}

}  // namespace loyalty
