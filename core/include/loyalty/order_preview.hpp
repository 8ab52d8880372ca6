// "This cart earns 52 points": what an order would earn, line by line and
// rule by rule, without changing the member.
//
// Per line, in this fixed order:
//   1. subtotal = unit_price x quantity
//   2. discount = round(subtotal x tier.discount_bp / 10000)  (discount_rounding)
//      paid     = subtotal - discount
//   3. base     = round(paid x points.earn / points.per_minor) (points.rounding)
//   4. multipliers, category first then tier (points.rounding at each step):
//        multiply: total = round(total x bp / 10000)
//        add:      total += round(base x (bp - 10000) / 10000), never below 0
// Per order:
//   growth = round(sum(paid) x growth.earn / growth.per_minor) (growth.rounding)
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "loyalty/cart.hpp"
#include "loyalty/error.hpp"
#include "loyalty/local_time.hpp"
#include "loyalty/member_state.hpp"
#include "loyalty/program.hpp"
#include "loyalty/tier_progress.hpp"

namespace loyalty {

enum class EarnStepKind { base, category, tier, clamp_zero };

// One rule's contribution to a line: the points it added (may be negative
// for a multiplier below x1 in add mode).
struct EarnStep {
  EarnStepKind kind = EarnStepKind::base;
  std::size_t ref = 0;  // category or tier index for those kinds
  std::int64_t multiplier_bp = kBasisPoints;
  std::int64_t points = 0;
};

struct LinePreview {
  CartLine line;  // as given
  std::int64_t subtotal = 0;
  std::int64_t discount = 0;
  std::int64_t paid = 0;
  std::int64_t points = 0;
  std::vector<EarnStep> steps;
};

struct OrderPreview {
  TimeMs at = 0;
  LocalDate local_date{1970, 1, 1};
  std::size_t tier = 0;
  std::vector<LinePreview> lines;
  std::int64_t subtotal = 0;
  std::int64_t discount = 0;
  std::int64_t paid = 0;
  std::int64_t points = 0;
  std::int64_t growth = 0;
  TierProgress progress;        // before the order
  TierProgress progress_after;  // had the order been placed
};

// Errors: "arith.overflow" (path "cart.lines[i]" or "cart") when a value
// would leave the safe integer range.
Result<OrderPreview> preview_order(const Program& program, const MemberState& state,
                                   const Cart& cart, TimeMs at);

}  // namespace loyalty
