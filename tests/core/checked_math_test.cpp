#include "loyalty/checked_math.hpp"

#include <gtest/gtest.h>

namespace loyalty {
namespace {

TEST(Rounding, EachModeRoundsPositiveFractionsAsNamed) {
  // 25 / 10 = 2.5 (a tie), 27 / 10 = 2.7, 21 / 10 = 2.1
  EXPECT_EQ(mul_div(25, 1, 10, Rounding::floor), 2);
  EXPECT_EQ(mul_div(25, 1, 10, Rounding::ceil), 3);
  EXPECT_EQ(mul_div(25, 1, 10, Rounding::half_up), 3);
  EXPECT_EQ(mul_div(25, 1, 10, Rounding::half_even), 2);
  EXPECT_EQ(mul_div(35, 1, 10, Rounding::half_even), 4);
  EXPECT_EQ(mul_div(27, 1, 10, Rounding::half_up), 3);
  EXPECT_EQ(mul_div(21, 1, 10, Rounding::half_up), 2);
  EXPECT_EQ(mul_div(21, 1, 10, Rounding::ceil), 3);
}

TEST(Rounding, NegativeValuesMirrorPositiveOnesForHalfModes) {
  EXPECT_EQ(mul_div(-25, 1, 10, Rounding::half_up), -3);
  EXPECT_EQ(mul_div(-25, 1, 10, Rounding::half_even), -2);
  EXPECT_EQ(mul_div(-21, 1, 10, Rounding::floor), -3);
  EXPECT_EQ(mul_div(-29, 1, 10, Rounding::ceil), -2);
}

TEST(Rounding, ExactQuotientsAreNeverAdjusted) {
  for (Rounding r : {Rounding::floor, Rounding::ceil, Rounding::half_up, Rounding::half_even}) {
    EXPECT_EQ(mul_div(300, 7, 3, r), 700);
    EXPECT_EQ(mul_div(-300, 7, 3, r), -700);
    EXPECT_EQ(mul_div(0, 7, 3, r), 0);
  }
}

TEST(MulDiv, ProductsBeyondInt64AreExactWhenTheQuotientIsSafe) {
  // 2^53-1 x 10000 overflows int64 on its own; / 10000 brings it back.
  EXPECT_EQ(mul_div(kMaxSafeInteger, 10000, 10000, Rounding::floor), kMaxSafeInteger);
  EXPECT_EQ(mul_div(kMaxSafeInteger, kMaxSafeInteger, kMaxSafeInteger, Rounding::floor),
            kMaxSafeInteger);
}

TEST(MulDiv, RoundsTheSameWhetherOrNotTheProductFitsInInt64) {
  // 1.5 x 2^61 / 2^61 is computed in int64; 1.5 x 2^61 x 3 / (3 x 2^61) needs
  // 128 bits for the product. Both are the tie 1.5 and must round alike.
  const std::int64_t p61 = std::int64_t{1} << 61;
  const std::int64_t n = p61 + p61 / 2;
  for (std::int64_t sign : {1, -1}) {
    for (Rounding r : {Rounding::floor, Rounding::ceil, Rounding::half_up, Rounding::half_even}) {
      const auto in_int64 = mul_div(sign * n, 1, p61, r);
      ASSERT_TRUE(in_int64.has_value());
      EXPECT_EQ(in_int64, mul_div(sign * n, 3, 3 * p61, r)) << rounding_name(r) << " sign " << sign;
    }
  }
  EXPECT_EQ(mul_div(n, 1, p61, Rounding::half_even), 2);
  EXPECT_EQ(mul_div(-n, 1, p61, Rounding::half_up), -2);
  EXPECT_EQ(mul_div(-n, 3, 3 * p61, Rounding::floor), -2);
  EXPECT_EQ(mul_div(-n, 1, p61, Rounding::ceil), -1);
}

// Operands that fit in 32 bits take a shorter path (no overflow check); on
// both sides of that boundary, and for every rounding, the quotient is the
// exact one, checked against 128-bit arithmetic.
TEST(MulDiv, RoundsExactlyOnBothSidesOfThe32BitPath) {
  const std::int64_t edges[] = {0, 1, 7, 9999, 10001, 2147483647, 2147483648, -2147483648, -2147483649,
                                4294967296, -1, -7, -10001, 123456789012};
  for (std::int64_t a : edges) {
    for (std::int64_t b : edges) {
      for (std::int64_t d : {std::int64_t{1}, std::int64_t{3}, std::int64_t{10000}, std::int64_t{2147483648}}) {
        const __int128 n = static_cast<__int128>(a) * b;
        const __int128 q = n / d, r = n % d;
        for (Rounding mode : {Rounding::floor, Rounding::ceil, Rounding::half_up, Rounding::half_even}) {
          __int128 want = q;
          if (r != 0) {
            const int sign = n < 0 ? -1 : 1;
            const __int128 twice = (r < 0 ? -r : r) * 2;
            if (mode == Rounding::floor && sign < 0) want -= 1;
            if (mode == Rounding::ceil && sign > 0) want += 1;
            if (mode == Rounding::half_up && twice >= d) want += sign;
            if (mode == Rounding::half_even && (twice > d || (twice == d && q % 2 != 0))) want += sign;
          }
          const auto got = mul_div(a, b, d, mode);
          if (want > kMaxSafeInteger || want < -kMaxSafeInteger) {
            EXPECT_FALSE(got.has_value()) << a << " x " << b << " / " << d;
          } else {
            EXPECT_EQ(got, static_cast<std::int64_t>(want)) << a << " x " << b << " / " << d << " " << rounding_name(mode);
          }
        }
      }
    }
  }
}

TEST(MulDiv, QuotientsBeyondTheSafeRangeAreOverflow) {
  EXPECT_FALSE(mul_div(kMaxSafeInteger, 2, 1, Rounding::floor).has_value());
  EXPECT_FALSE(mul_div(kMaxSafeInteger, kMaxSafeInteger, 3, Rounding::floor).has_value());
  EXPECT_FALSE(mul_div(1, 1, 0, Rounding::floor).has_value());
}

TEST(CheckedArithmetic, RefusesToLeaveTheSafeRange) {
  EXPECT_EQ(checked_add(kMaxSafeInteger - 1, 1), kMaxSafeInteger);
  EXPECT_FALSE(checked_add(kMaxSafeInteger, 1).has_value());
  EXPECT_FALSE(checked_sub(-kMaxSafeInteger, 1).has_value());
  EXPECT_FALSE(checked_mul(INT64_MAX, 2).has_value());
  EXPECT_FALSE(checked_mul(4294967296, 4294967296).has_value());
  EXPECT_EQ(checked_mul(94906265, 94906265), 9007199136250225);
}

TEST(Rounding, NamesRoundTrip) {
  for (Rounding r : {Rounding::floor, Rounding::ceil, Rounding::half_up, Rounding::half_even}) {
    EXPECT_EQ(rounding_from_name(rounding_name(r)), r);
  }
  EXPECT_FALSE(rounding_from_name("round").has_value());
}

}  // namespace
}  // namespace loyalty
