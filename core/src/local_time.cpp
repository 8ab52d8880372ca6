#include "loyalty/local_time.hpp"

#include <algorithm>

namespace loyalty {

namespace {

std::int64_t floor_div(std::int64_t a, std::int64_t b) {
  std::int64_t q = a / b;
  if ((a % b != 0) && ((a < 0) != (b < 0))) --q;
  return q;
}

// Howard Hinnant's civil_from_days: exact for the proleptic Gregorian calendar.
// `z` counts days from 0000-03-01, `era` is floor(z / 146097).
template <typename Int>
LocalDate civil_from_days(Int z, Int era) {
  const Int doe = z - era * 146097;
  const Int yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const Int doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const Int mp = (5 * doy + 2) / 153;
  const Int d = doy - (153 * mp + 2) / 5 + 1;
  const Int m = mp < 10 ? mp + 3 : mp - 9;
  const Int y = yoe + era * 400 + (m <= 2 ? 1 : 0);
  return {static_cast<std::int32_t>(y), static_cast<std::int32_t>(m), static_cast<std::int32_t>(d)};
}

// Writes "YYYY-MM-DD" for years 0..9999; false for any other date. Digits
// in pairs, each read from a table: dates are in most answers and in every
// check-in's ledger row, and printf is slow where it is not the system's (WASM).
bool write_iso(const LocalDate& date, char* out) {
  if (date.year < 0 || date.year > 9999 || date.month < 1 || date.month > 12 || date.day < 1 || date.day > 31) {
    return false;
  }
  static constexpr char kPairs[] =
      "0001020304050607080910111213141516171819202122232425262728293031323334353637383940414243444546474849"
      "5051525354555657585960616263646566676869707172737475767778798081828384858687888990919293949596979899";
  const auto pair = [](char* at, std::uint32_t v) { std::copy_n(kPairs + 2 * v, 2, at); };
  const auto year = static_cast<std::uint32_t>(date.year);
  pair(out, year / 100);
  pair(out + 2, year % 100);
  out[4] = '-';
  pair(out + 5, static_cast<std::uint32_t>(date.month));
  out[7] = '-';
  pair(out + 8, static_cast<std::uint32_t>(date.day));
  return true;
}

}  // namespace

std::string LocalDate::iso() const {
  char text[10];
  if (write_iso(*this, text)) return std::string(text, sizeof text);
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

DayText::DayText(std::int64_t day_number) {
  const LocalDate date = date_from_day_number(day_number);
  if (write_iso(date, text_)) {
    size_ = 10;
    return;
  }
  const std::string text = date.iso();
  size_ = std::min(text.size(), sizeof text_);
  std::copy_n(text.data(), size_, text_);
}

LocalDate date_from_day_number(std::int64_t z) {
  z += 719468;
  // Unsigned 32 bits for every day the core accepts (and years up to
  // ~735,000): no signed 64-bit divisions.
  if (z >= 0 && z <= 0xFFFFFFF) {
    const auto days = static_cast<std::uint32_t>(z);
    return civil_from_days<std::uint32_t>(days, days / 146097);
  }
  return civil_from_days<std::int64_t>(z, floor_div(z, 146097));
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
