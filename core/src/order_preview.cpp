#include "loyalty/order_preview.hpp"

#include <string>

namespace loyalty {

namespace {

Error overflow(const std::string& path) {
  return Error{"arith.overflow", "a value leaves the safe integer range (+-2^53-1)", path};
}

// Applies the multipliers of one line to its base points (see the header for
// the order); returns nullopt on overflow.
std::optional<std::int64_t> apply_multipliers(const Program& program, std::int64_t base,
                                              std::size_t tier, std::size_t category,
                                              std::vector<EarnStep>& steps) {
  const Rounding rounding = program.points.rounding;
  struct Multiplier {
    EarnStepKind kind;
    std::size_t ref;
    std::int64_t bp;
  };
  const Multiplier multipliers[] = {
      {EarnStepKind::category, category, program.categories[category].multiplier_bp},
      {EarnStepKind::tier, tier, program.tiers[tier].points_multiplier_bp},
  };
  std::int64_t total = base;
  for (const auto& m : multipliers) {
    if (m.bp == kBasisPoints) continue;  // x1 changes nothing; keep the breakdown short
    std::optional<std::int64_t> added;
    if (program.combine == MultiplierCombine::multiply) {
      auto next = mul_div(total, m.bp, kBasisPoints, rounding);
      if (next) added = *next - total;
    } else {
      added = mul_div(base, m.bp - kBasisPoints, kBasisPoints, rounding);
    }
    if (!added) return std::nullopt;
    auto next = checked_add(total, *added);
    if (!next) return std::nullopt;
    total = *next;
    steps.push_back({m.kind, m.ref, m.bp, *added});
  }
  if (total < 0) {  // add mode with multipliers below x1 may undershoot
    steps.push_back({EarnStepKind::clamp_zero, 0, kBasisPoints, -total});
    total = 0;
  }
  return total;
}

}  // namespace

Result<OrderPreview> preview_order(const Program& program, const MemberState& state,
                                   const Cart& cart, TimeMs at) {
  OrderPreview preview;
  preview.at = at;
  preview.local_date = local_date(at, program.utc_offset_minutes);
  preview.tier = held_tier(program, state);
  const Tier& tier = program.tiers[preview.tier];
  preview.lines.reserve(cart.lines.size());

  for (std::size_t i = 0; i < cart.lines.size(); ++i) {
    const CartLine& line = cart.lines[i];
    const std::string path = "cart.lines[" + std::to_string(i) + "]";
    LinePreview lp;
    lp.line = line;
    auto subtotal = checked_mul(line.unit_price, line.quantity);
    if (!subtotal) return overflow(path);
    lp.subtotal = *subtotal;
    lp.discount = *mul_div(lp.subtotal, tier.discount_bp, kBasisPoints, program.discount_rounding);
    lp.paid = lp.subtotal - lp.discount;

    auto base = mul_div(lp.paid, program.points.earn, program.points.per_minor,
                        program.points.rounding);
    if (!base) return overflow(path);
    lp.steps.push_back({EarnStepKind::base, 0, kBasisPoints, *base});
    auto points = apply_multipliers(program, *base, preview.tier, line.category, lp.steps);
    if (!points) return overflow(path);
    lp.points = *points;

    auto subtotal_sum = checked_add(preview.subtotal, lp.subtotal);
    auto discount_sum = checked_add(preview.discount, lp.discount);
    auto paid_sum = checked_add(preview.paid, lp.paid);
    auto points_sum = checked_add(preview.points, lp.points);
    if (!subtotal_sum || !discount_sum || !paid_sum || !points_sum) return overflow("cart");
    preview.subtotal = *subtotal_sum;
    preview.discount = *discount_sum;
    preview.paid = *paid_sum;
    preview.points = *points_sum;
    preview.lines.push_back(std::move(lp));
  }

  if (program.growth) {
    auto growth = mul_div(preview.paid, program.growth->earn, program.growth->per_minor,
                          program.growth->rounding);
    if (!growth) return overflow("cart");
    preview.growth = *growth;
  }

  auto before = tier_progress(program, state);
  MemberState after_state = state;
  auto growth_after = checked_add(state.growth, preview.growth);
  if (!growth_after) return overflow("state.growth");
  after_state.growth = *growth_after;
  auto after = tier_progress(program, after_state);
  if (!before.ok()) return before.errors();
  if (!after.ok()) return after.errors();
  preview.progress = before.value();
  preview.progress_after = after.value();
  return preview;
}

}  // namespace loyalty
