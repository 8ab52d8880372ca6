// What points are worth at the programme's redemption rate, in minor units,
// rounded down as the core pays them at checkout; 0 for a programme without
// redemption. Negative points (a debt) are worth a negative amount.
#pragma once

#include <cstdint>

#include "loyalty/checked_math.hpp"
#include "loyalty/program.hpp"

namespace loyalty::server {

inline std::int64_t points_worth_minor(const Program& program, std::int64_t points) {
  if (!program.redemption) return 0;
  const Redemption& r = *program.redemption;
  return mul_div(points, r.unit_minor, r.points_per_unit, Rounding::floor).value_or(0);
}

}  // namespace loyalty::server
