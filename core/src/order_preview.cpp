#include "loyalty/order_preview.hpp"

#include <algorithm>
#include <string>

#include "loyalty/apply.hpp"
#include "loyalty/points_ledger.hpp"
#include "loyalty/recall.hpp"
#include "loyalty/segments.hpp"

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

// Calls visit(kind, ref, bp) for each multiplier of a line, in the documented order.
template <typename Visit>
void for_each_multiplier(const Program& program, const CartLine& line, const PricingContext& context, Visit visit) {
  const std::int64_t day = context.day;
  visit(EarnStepKind::category, line.category, program.categories[line.category].multiplier_bp);
  if (auto index = program.sku_by_id.find(line.sku); index != program.sku_by_id.end()) {
    visit(EarnStepKind::sku, index->second, program.skus[index->second].multiplier_bp);
  }
  for (std::size_t i = 0; i < program.campaigns.size(); ++i) {
    const Campaign& c = program.campaigns[i];
    const bool in_category = c.categories.empty() ||
                             std::find(c.categories.begin(), c.categories.end(), line.category) != c.categories.end();
    const bool open = !context.campaign_closed[i];
    if (day >= c.from_day && day <= c.to_day && in_category && open) visit(EarnStepKind::campaign, i, c.multiplier_bp);
  }
  if (context.birthday) visit(EarnStepKind::birthday, 0, program.birthday->multiplier_bp);
  if (context.recall) visit(EarnStepKind::recall, *context.recall, program.lifecycle.recall[*context.recall].multiplier_bp);
  visit(EarnStepKind::tier, context.tier, program.tiers[context.tier].points_multiplier_bp);
}

// Applies a line's multipliers to its base points, recording each step in
// `steps` when given; nullopt on overflow.
std::optional<std::int64_t> apply_multipliers(const Program& program, const PricingContext& context,
                                              const CartLine& line, std::int64_t base,
                                              std::vector<EarnStep>* steps) {
  const Rounding rounding = program.points.rounding;
  std::int64_t total = base;
  bool overflowed = false;
  for_each_multiplier(program, line, context, [&](EarnStepKind kind, std::size_t ref, std::int64_t bp) {
    if (overflowed || bp == kBasisPoints) return;  // x1 changes nothing; keep the breakdown short
    std::optional<std::int64_t> added;
    if (program.combine == MultiplierCombine::multiply) {
      auto next = mul_div(total, bp, kBasisPoints, rounding);
      if (next) added = *next - total;
    } else {
      added = mul_div(base, bp - kBasisPoints, kBasisPoints, rounding);
    }
    auto next = added ? checked_add(total, *added) : std::nullopt;
    if (!next) {
      overflowed = true;
      return;
    }
    total = *next;
    if (steps) steps->push_back({kind, ref, bp, *added});
  });
  if (overflowed) return std::nullopt;
  if (total < 0) {  // add mode with multipliers below x1 may undershoot
    if (steps) steps->push_back({EarnStepKind::clamp_zero, 0, kBasisPoints, -total});
    total = 0;
  }
  return total;
}

// Prices one line: false on overflow.
bool price_line(const Program& program, const PricingContext& context, const CartLine& line, LinePreview& lp,
                std::vector<EarnStep>* steps) {
  const Tier& tier = program.tiers[context.tier];
  auto subtotal = checked_mul(line.unit_price, line.quantity);
  if (!subtotal) return false;
  lp.subtotal = *subtotal;
  lp.discount = *mul_div(lp.subtotal, tier.discount_bp, kBasisPoints, program.discount_rounding);
  lp.paid = lp.subtotal - lp.discount;
  lp.earns = program.categories[line.category].earns;
  if (!lp.earns) {
    if (steps) steps->push_back({EarnStepKind::not_earning, line.category, kBasisPoints, 0});
    lp.points = 0;
    return true;
  }
  auto base = mul_div(lp.paid, program.points.earn, program.points.per_minor, program.points.rounding);
  if (!base) return false;
  if (steps) steps->push_back({EarnStepKind::base, 0, kBasisPoints, *base});
  auto points = apply_multipliers(program, context, line, *base, steps);
  if (!points) return false;
  lp.points = *points;
  return true;
}

// Adds a priced line to the order's sums; false if one would overflow.
bool add_line(OrderPreview& order, const LinePreview& lp) {
  auto subtotal = checked_add(order.subtotal, lp.subtotal);
  auto discount = checked_add(order.discount, lp.discount);
  auto paid = checked_add(order.paid, lp.paid);
  auto points = checked_add(order.line_points, lp.points);
  if (!subtotal || !discount || !paid || !points) return false;
  order.subtotal = *subtotal;
  order.discount = *discount;
  order.paid = *paid;
  if (lp.earns) order.spend += lp.paid;  // within paid, so within range
  order.line_points = *points;
  return true;
}

// The growth an order paying `paid` earns; nullopt on overflow.
std::optional<std::int64_t> order_growth(const Program& program, std::int64_t paid) {
  if (!program.growth) return 0;
  return mul_div(paid, program.growth->earn, program.growth->per_minor, program.growth->rounding);
}

std::string line_path(std::string_view prefix, std::size_t i) {
  return std::string(prefix) + "[" + std::to_string(i) + "]";
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

PricingContext pricing_context(const Program& program, const MemberState& state, TimeMs at) {
  PricingContext c;
  c.at = at;
  c.date = local_date(at, program.utc_offset_minutes);
  c.day = day_number_from_date(c.date);
  c.totals = totals_at(program, state, at);
  c.tier = effective_tier(program, state, at, c.totals);
  c.birthday = is_birthday(program, state, c.date);
  c.recall = open_recall_offer(program, state, at);
  // Segments are asked once a call, and only of a programme that limits a campaign to some.
  if (std::any_of(program.campaigns.begin(), program.campaigns.end(), [](const Campaign& k) { return !k.segments.empty(); })) {
    const MemberFacts facts = member_facts(program, state, at);
    for (std::size_t i = 0; i < program.campaigns.size(); ++i) {
      c.campaign_closed[i] = !in_any_segment(program, program.campaigns[i].segments, facts);
    }
  }
  return c;
}

Result<OrderPreview> price_order(const Program& program, const MemberState& state, const Cart& cart,
                                 TimeMs at, bool with_progress) {
  return price_order(program, state, pricing_context(program, state, at), cart,
                     with_progress ? Detail::with_progress : Detail::lines);
}

Result<OrderPreview> price_order(const Program& program, const MemberState& state, const PricingContext& context,
                                 const Cart& cart, Detail detail) {
  const TimeMs at = context.at;
  OrderPreview preview;
  preview.at = at;
  preview.local_date = context.date;
  preview.tier = context.tier;
  preview.lines.reserve(cart.lines.size());

  for (std::size_t i = 0; i < cart.lines.size(); ++i) {
    LinePreview lp;
    lp.line = cart.lines[i];
    std::vector<EarnStep>* steps = detail == Detail::sums ? nullptr : &lp.steps;
    // Room for the base and three multipliers at once: grown a step at a
    // time, a line's steps were allocated two or three times over.
    if (steps) steps->reserve(4);
    if (!price_line(program, context, lp.line, lp, steps)) return overflow(line_path("cart.lines", i));
    if (!add_line(preview, lp)) return overflow("cart");
    preview.lines.push_back(std::move(lp));
  }
  apply_caps(program, state, preview.local_date, preview);

  const auto growth = order_growth(program, preview.spend);
  if (!growth) return overflow("cart");
  preview.growth = *growth;
  if (preview.points > 0) {
    if (program.pending_days > 0) preview.vests_at = at + program.pending_days * kMsPerDay;
    preview.expires_at = expiry_for(program, at);
  }

  if (detail != Detail::with_progress) return preview;
  preview.progress = tier_progress(program, state, at, context.totals);
  if (!checked_add(state.growth, preview.growth) || !checked_add(state.lifetime_spend, preview.spend)) {
    return overflow("state");
  }
  preview.progress_after = progress_after_order(program, state, at, context.totals, preview.growth, preview.spend);
  return preview;
}

Result<std::int64_t> order_points(const Program& program, const MemberState& state, const PricingContext& context,
                                  const CartLine* lines, std::size_t count) {
  OrderPreview totals;
  LinePreview lp;
  for (std::size_t i = 0; i < count; ++i) {
    if (!price_line(program, context, lines[i], lp, nullptr)) return overflow(line_path("cart.lines", i));
    if (!add_line(totals, lp)) return overflow("cart");
  }
  apply_caps(program, state, context.date, totals);
  const auto growth = order_growth(program, totals.spend);
  if (!growth) return overflow("cart");
  // As the full preview, which adds the order to the member's totals.
  if (!checked_add(state.growth, *growth) || !checked_add(state.lifetime_spend, totals.spend)) return overflow("state");
  return totals.points;
}

Result<ListingPreview> preview_listing(const Program& program, const PricingContext& context, const Cart& products) {
  ListingPreview listing;
  listing.tier = context.tier;
  listing.points.reserve(products.lines.size());
  OrderPreview totals;  // as one order: sums that overflow are refused as preview_order refuses them
  LinePreview lp;
  for (std::size_t i = 0; i < products.lines.size(); ++i) {
    if (!price_line(program, context, products.lines[i], lp, nullptr)) return overflow(line_path("cart.lines", i));
    if (!add_line(totals, lp)) return overflow("cart");
    listing.points.push_back(lp.points);
  }
  if (!order_growth(program, totals.spend)) return overflow("cart");
  return listing;
}

Result<ListingPreview> preview_listing(const Program& program, const MemberState& state, const Cart& products,
                                       TimeMs at) {
  auto brought = state_at(program, state, at);
  if (!brought.ok()) return brought.errors();
  return preview_listing(program, pricing_context(program, brought.value(), at), products);
}

Result<OrderPreview> preview_order(const Program& program, const MemberState& state, const Cart& cart, TimeMs at) {
  auto brought = state_at(program, state, at);
  if (!brought.ok()) return brought.errors();
  return price_order(program, brought.value(), cart, at);
}

}  // namespace loyalty
