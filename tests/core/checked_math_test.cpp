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
