// "This cart earns 52 points": what an order would earn, line by line and
// rule by rule, without changing the member.
//
// Per line, in this fixed order:
//   1. subtotal = unit_price x quantity
//   2. discount = round(subtotal x tier.discount_bp / 10000)  (discount_rounding)
//      paid     = subtotal - discount
//   3. base     = round(paid x points.earn / points.per_minor) (points.rounding)
//   4. multipliers in this order: category, SKU, each campaign active on the
//      local day, birthday, the open recall offer (recall.hpp), tier
//      (points.rounding at each step):
//        multiply: total = round(total x bp / 10000)
//        add:      total += round(base x (bp - 10000) / 10000), never below 0
// Per order:
//   growth = round(sum(paid) x growth.earn / growth.per_minor) (growth.rounding)
//   points = sum(lines), cut to what the day and month caps leave
#pragma once

#include <bitset>
#include <cstdint>
#include <string>
#include <vector>

#include "loyalty/cart.hpp"
#include "loyalty/error.hpp"
#include "loyalty/local_time.hpp"
#include "loyalty/member_state.hpp"
#include "loyalty/program.hpp"
#include "loyalty/tier.hpp"

namespace loyalty {

// not_earning: the line's category earns nothing (Category::earns), the only step.
enum class EarnStepKind { base, category, sku, campaign, birthday, recall, tier, clamp_zero, not_earning };

// One rule's contribution to a line: the points it added (may be negative
// for a multiplier below x1 in add mode).
struct EarnStep {
  EarnStepKind kind = EarnStepKind::base;
  std::size_t ref = 0;  // category, SKU, campaign, recall offer or tier index for those kinds
  std::int64_t multiplier_bp = kBasisPoints;
  std::int64_t points = 0;
};

struct LinePreview {
  CartLine line;  // as given
  std::int64_t subtotal = 0;
  std::int64_t discount = 0;
  std::int64_t paid = 0;
  std::int64_t points = 0;
  bool earns = true;  // its category's
  std::vector<EarnStep> steps;
};

// "capped: 120 of 200": a cap that cut this order's points.
struct CapCut {
  CapPeriod period = CapPeriod::day;
  std::int64_t limit = 0;
  std::int64_t used_before = 0;
  std::int64_t cut = 0;
};

struct OrderPreview {
  TimeMs at = 0;
  LocalDate local_date{1970, 1, 1};
  std::size_t tier = 0;
  std::vector<LinePreview> lines;
  std::int64_t subtotal = 0;
  std::int64_t discount = 0;
  std::int64_t paid = 0;
  std::int64_t spend = 0;        // paid on lines whose category earns: growth and tier spend count this
  std::int64_t line_points = 0;  // sum of the lines
  std::vector<CapCut> caps;
  std::int64_t points = 0;       // what the order earns: line_points less caps
  std::int64_t growth = 0;
  std::optional<TimeMs> vests_at;    // when the points become spendable (absent: at once)
  std::optional<TimeMs> expires_at;  // when they expire (absent: never)
  TierProgress progress;        // before the order
  TierProgress progress_after;  // had the order been placed
};

// What pricing needs to know of a member at a moment, read once for every
// line: the local day, the window's totals, the tier whose benefits apply,
// whether it is the member's birthday, the recall offer open. For a state
// already brought to `at`.
struct PricingContext {
  TimeMs at = 0;
  LocalDate date{1970, 1, 1};
  std::int64_t day = 0;
  MetricTotals totals;
  std::size_t tier = 0;
  bool birthday = false;
  std::optional<std::size_t> recall;  // index in program.lifecycle.recall
  // By campaign index, those limited to segments the member is not in.
  std::bitset<kMaxCampaigns> campaign_closed;
};
PricingContext pricing_context(const Program& program, const MemberState& state, TimeMs at);

// Prices a cart for a state already brought to `at`.
Result<OrderPreview> price_order(const Program& program, const MemberState& state, const Cart& cart,
                                 TimeMs at, bool with_progress = true);

// How much a priced order says: its lines' sums only (what apply() keeps),
// with each line's rule-by-rule steps, or with tier progress too.
enum class Detail { sums, lines, with_progress };
Result<OrderPreview> price_order(const Program& program, const MemberState& state, const PricingContext& context,
                                 const Cart& cart, Detail detail);

// Only what the order earns (OrderPreview::points, after caps), from the same
// pricing, without building the breakdown: for badges and carts re-priced on
// every tap. Errors as price_order's.
Result<std::int64_t> order_points(const Program& program, const MemberState& state, const PricingContext& context,
                                  const CartLine* lines, std::size_t count);

// Badges for a product listing: what each line would earn on its own (before
// caps), for one state brought to `at` once. Errors as preview_order's.
struct ListingPreview {
  std::size_t tier = 0;
  std::vector<std::int64_t> points;  // per line, in order
};
Result<ListingPreview> preview_listing(const Program& program, const MemberState& state,
                                       const Cart& products, TimeMs at);
Result<ListingPreview> preview_listing(const Program& program, const PricingContext& context, const Cart& products);

// The preview: the state brought to `at` (vesting, expiry, evaluations), then priced.
// Errors: "event.out_of_order" if `at` is before the state's clock;
// "arith.overflow" (path "cart.lines[i]" or "cart").
Result<OrderPreview> preview_order(const Program& program, const MemberState& state,
                                   const Cart& cart, TimeMs at);

}  // namespace loyalty
