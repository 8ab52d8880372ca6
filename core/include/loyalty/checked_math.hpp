// Integer arithmetic for money, points and growth.
//
// Every quantity the core handles is an integer within +-(2^53 - 1): the
// range a JavaScript number holds exactly, so a value reads the same in the
// browser, the mini-program and the server. Leaving that range is an error
// (std::nullopt here, "arith.overflow" at the API), never a wrap.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace loyalty {

inline constexpr std::int64_t kMaxSafeInteger = 9007199254740991;  // 2^53 - 1
inline constexpr std::int64_t kBasisPoints = 10000;                // 100.00 %

// How a fraction becomes an integer. Every division in rule evaluation names
// one of these; none is implied.
enum class Rounding {
  floor,      // towards -infinity
  ceil,       // towards +infinity
  half_up,    // nearest; ties away from zero, so a refund mirrors its earning
  half_even,  // nearest; ties to the even neighbour (banker's rounding)
};

std::optional<Rounding> rounding_from_name(std::string_view name);
std::string_view rounding_name(Rounding rounding);

// Inline: pricing adds and multiplies a few times per line, and a call per
// operation was a third of a cart's points in a member session.
inline bool is_safe_integer(std::int64_t v) { return v >= -kMaxSafeInteger && v <= kMaxSafeInteger; }

inline std::optional<std::int64_t> checked_add(std::int64_t a, std::int64_t b) {
  std::int64_t r = 0;
  if (__builtin_add_overflow(a, b, &r) || !is_safe_integer(r)) return std::nullopt;
  return r;
}

inline std::optional<std::int64_t> checked_sub(std::int64_t a, std::int64_t b) {
  std::int64_t r = 0;
  if (__builtin_sub_overflow(a, b, &r) || !is_safe_integer(r)) return std::nullopt;
  return r;
}

inline std::optional<std::int64_t> checked_mul(std::int64_t a, std::int64_t b) {
  std::int64_t r = 0;
  if (__builtin_mul_overflow(a, b, &r) || !is_safe_integer(r)) return std::nullopt;
  return r;
}

// round(a * b / divisor) computed exactly (no intermediate overflow, no
// floating point); divisor must be > 0. nullopt when the result is not safe.
std::optional<std::int64_t> mul_div(std::int64_t a, std::int64_t b, std::int64_t divisor,
                                    Rounding rounding);

}  // namespace loyalty
