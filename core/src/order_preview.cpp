#include "loyalty/order_preview.hpp"

#include <algorithm>
#include <string>

#include "loyalty/apply.hpp"
#include "loyalty/points_ledger.hpp"

namespace loyalty {

namespace {

Error overflow(const std::string& path) {
  return Error{"arith.overflow", "a value leaves the safe integer range (+-2^53-1)", path};
}

struct Multiplier {
  EarnStepKind kind;
  std::size_t ref;
  std::int64_t bp;
};

bool is_birthday(const Program& program, const MemberState& state, const LocalDate& today) {
  if (!program.birthday || !state.birthday) return false;
  if (program.birthday->scope == BirthdayScope::month) return state.birthday->month == today.month;
  return state.birthday->month == today.month && state.birthday->day == today.day;
}

// The multipliers of one line, in the documented order.
std::vector<Multiplier> multipliers_for(const Program& program, const CartLine& line, std::size_t tier,
                                        std::int64_t day, bool birthday) {
  std::vector<Multiplier> m;
  m.push_back({EarnStepKind::category, line.category, program.categories[line.category].multiplier_bp});
  if (auto index = program.sku_by_id.find(line.sku); index != program.sku_by_id.end()) {
    m.push_back({EarnStepKind::sku, index->second, program.skus[index->second].multiplier_bp});
  }
  for (std::size_t i = 0; i < program.campaigns.size(); ++i) {
    const Campaign& c = program.campaigns[i];
    const bool in_category = c.categories.empty() ||
                             std::find(c.categories.begin(), c.categories.end(), line.category) != c.categories.end();
    if (day >= c.from_day && day <= c.to_day && in_category) m.push_back({EarnStepKind::campaign, i, c.multiplier_bp});
  }
  if (birthday) m.push_back({EarnStepKind::birthday, 0, program.birthday->multiplier_bp});
  m.push_back({EarnStepKind::tier, tier, program.tiers[tier].points_multiplier_bp});
  return m;
}

// Applies a line's multipliers to its base points; nullopt on overflow.
std::optional<std::int64_t> apply_multipliers(const Program& program, std::int64_t base,
                                              const std::vector<Multiplier>& multipliers,
                                              std::vector<EarnStep>& steps) {
  const Rounding rounding = program.points.rounding;
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

// Cuts the order's points to what the day and month caps leave.
void apply_caps(const Program& program, const MemberState& state, const LocalDate& today, OrderPreview& p) {
  p.points = p.line_points;
  for (const EarnCap& cap : program.caps) {
    const bool by_day = cap.period == CapPeriod::day;
    const std::int64_t period = by_day ? day_number_from_date(today) : month_index(today);
    const CapUsage& usage = by_day ? state.cap_day : state.cap_month;
    const std::int64_t used = usage.period == period ? usage.used : 0;
    const std::int64_t room = std::max<std::int64_t>(0, cap.points - used);
    if (p.points > room) {
      p.caps.push_back({cap.period, cap.points, used, p.points - room});
      p.points = room;
    }
  }
}

}  // namespace

Result<OrderPreview> price_order(const Program& program, const MemberState& state, const Cart& cart,
                                 TimeMs at, bool with_progress) {
  OrderPreview preview;
  preview.at = at;
  preview.local_date = local_date(at, program.utc_offset_minutes);
  const std::int64_t day = day_number_from_date(preview.local_date);
  preview.tier = effective_tier(program, state, at);
  const Tier& tier = program.tiers[preview.tier];
  const bool birthday = is_birthday(program, state, preview.local_date);
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

    auto base = mul_div(lp.paid, program.points.earn, program.points.per_minor, program.points.rounding);
    if (!base) return overflow(path);
    lp.steps.push_back({EarnStepKind::base, 0, kBasisPoints, *base});
    auto points = apply_multipliers(program, *base, multipliers_for(program, line, preview.tier, day, birthday),
                                    lp.steps);
    if (!points) return overflow(path);
    lp.points = *points;

    auto subtotal_sum = checked_add(preview.subtotal, lp.subtotal);
    auto discount_sum = checked_add(preview.discount, lp.discount);
    auto paid_sum = checked_add(preview.paid, lp.paid);
    auto points_sum = checked_add(preview.line_points, lp.points);
    if (!subtotal_sum || !discount_sum || !paid_sum || !points_sum) return overflow("cart");
    preview.subtotal = *subtotal_sum;
    preview.discount = *discount_sum;
    preview.paid = *paid_sum;
    preview.line_points = *points_sum;
    preview.lines.push_back(std::move(lp));
  }
  apply_caps(program, state, preview.local_date, preview);

  if (program.growth) {
    auto growth = mul_div(preview.paid, program.growth->earn, program.growth->per_minor, program.growth->rounding);
    if (!growth) return overflow("cart");
    preview.growth = *growth;
  }
  if (preview.points > 0) {
    if (program.pending_days > 0) preview.vests_at = at + program.pending_days * kMsPerDay;
    preview.expires_at = expiry_for(program, at);
  }

  if (!with_progress) return preview;
  auto before = tier_progress(program, state, at);
  if (!before.ok()) return before.errors();
  preview.progress = before.value();
  MemberState after = state;
  const std::size_t held_before = held_tier(program, state, at);
  if (!checked_add(state.growth, preview.growth) || !checked_add(state.lifetime_spend, preview.paid)) {
    return overflow("state");
  }
  add_activity(program, after, day, preview.growth, preview.paid, 1);
  upgrade_if_qualified(program, after, at, held_before);
  auto progress_after = tier_progress(program, after, at);
  if (!progress_after.ok()) return progress_after.errors();
  preview.progress_after = progress_after.value();
  return preview;
}

Result<ListingPreview> preview_listing(const Program& program, const MemberState& state, const Cart& products,
                                       TimeMs at) {
  auto brought = state_at(program, state, at);
  if (!brought.ok()) return brought.errors();
  // One pricing pass over all lines: each line's points do not depend on the others.
  auto priced = price_order(program, brought.value(), products, at, false);
  if (!priced.ok()) return priced.errors();
  ListingPreview listing;
  listing.tier = priced.value().tier;
  listing.points.reserve(products.lines.size());
  for (const LinePreview& line : priced.value().lines) listing.points.push_back(line.points);
  return listing;
}

Result<OrderPreview> preview_order(const Program& program, const MemberState& state, const Cart& cart, TimeMs at) {
  auto brought = state_at(program, state, at);
  if (!brought.ok()) return brought.errors();
  return price_order(program, brought.value(), cart, at);
}

}  // namespace loyalty
