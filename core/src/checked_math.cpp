#include "loyalty/checked_math.hpp"

namespace loyalty {

namespace {
__extension__ typedef __int128 Int128;  // __extension__: no -Wpedantic noise

constexpr std::pair<std::string_view, Rounding> kRoundingNames[] = {
    {"floor", Rounding::floor},
    {"ceil", Rounding::ceil},
    {"half_up", Rounding::half_up},
    {"half_even", Rounding::half_even},
};
}  // namespace

std::optional<Rounding> rounding_from_name(std::string_view name) {
  for (const auto& [n, r] : kRoundingNames)
    if (n == name) return r;
  return std::nullopt;
}

std::string_view rounding_name(Rounding rounding) {
  for (const auto& [n, r] : kRoundingNames)
    if (r == rounding) return n;
  return "floor";
}

namespace {
// n / divisor (divisor > 0), rounded as asked. Int is int64 when the product
// fits (the usual case, and a native division in wasm) or 128-bit otherwise.
// A division by a constant compiles to a multiply, where a division by a
// variable takes tens of cycles: the basis points and cents that nearly
// every rule divides by are named (half of a cart's points in a session).
template <typename Int>
Int divided(Int n, std::int64_t divisor) {
  switch (divisor) {
    case 1: return n;
    case 100: return n / 100;
    case kBasisPoints: return n / kBasisPoints;
    default: return n / divisor;
  }
}

template <typename Int>
std::optional<std::int64_t> divide_rounded(Int n, std::int64_t divisor, Rounding rounding) {
  Int q = divided(n, divisor);  // truncated towards zero
  const Int r = n - q * divisor;  // n % divisor without a second division
  if (r != 0) {
    const int sign = n < 0 ? -1 : 1;
    // |r| < divisor <= 2^63-1, so twice |r| fits in the unsigned type.
    const auto twice_rem = static_cast<std::uint64_t>(r < 0 ? -r : r) * 2;
    const auto d = static_cast<std::uint64_t>(divisor);
    switch (rounding) {
      case Rounding::floor:
        if (sign < 0) q -= 1;
        break;
      case Rounding::ceil:
        if (sign > 0) q += 1;
        break;
      case Rounding::half_up:
        if (twice_rem >= d) q += sign;
        break;
      case Rounding::half_even:
        if (twice_rem > d || (twice_rem == d && (q % 2) != 0)) q += sign;
        break;
    }
  }
  if (q > kMaxSafeInteger || q < -kMaxSafeInteger) return std::nullopt;
  return static_cast<std::int64_t>(q);
}
}  // namespace

std::optional<std::int64_t> mul_div(std::int64_t a, std::int64_t b, std::int64_t divisor,
                                    Rounding rounding) {
  if (divisor <= 0) return std::nullopt;
  // Points times basis points nearly always fit in 32 bits each: their product
  // fits in 64 without the overflow check, which wasm32 makes a 128-bit call.
  if (a == static_cast<std::int32_t>(a) && b == static_cast<std::int32_t>(b)) {
    return divide_rounded(a * b, divisor, rounding);
  }
  std::int64_t product = 0;
  if (!__builtin_mul_overflow(a, b, &product)) return divide_rounded(product, divisor, rounding);
  // 128-bit product: exact for any two int64 values (clang and gcc, native
  // and wasm32, implement __int128 in software where needed).
  return divide_rounded(static_cast<Int128>(a) * b, divisor, rounding);
}

}  // namespace loyalty
