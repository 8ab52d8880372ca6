#include "loyalty/mall.hpp"

#include <algorithm>

#include "loyalty/checked_math.hpp"
#include "loyalty/member_state.hpp"
#include "loyalty/program.hpp"
#include "loyalty/segments.hpp"
#include "loyalty/tier.hpp"

namespace loyalty {

namespace {

std::string units(std::int64_t n) { return std::to_string(n) + (n == 1 ? " unit" : " units"); }

// What is left under a limit (0: none), as an optional.
std::optional<std::int64_t> left_under(std::int64_t limit, std::int64_t used) {
  if (limit == 0) return std::nullopt;
  return std::max<std::int64_t>(0, limit - used);
}

}  // namespace

const MallItem* MallRules::item(std::string_view id) const {
  for (const MallItem& i : items) {
    if (i.id == id) return &i;
  }
  return nullptr;
}

// Newest first: without a limit in all, the scan stops at the month's first
// day, so the cost is the month's redemptions, not the member's history.
MallUsed mall_used(const Program& program, const MemberState& state, const MallItem& item, std::int64_t day) {
  MallUsed used;
  const std::int64_t month_start = first_day_of_month_index(month_index(date_from_day_number(day)));
  const std::vector<MallRedemption>& made = state.tasks.mall;
  for (auto r = made.rbegin(); r != made.rend(); ++r) {
    const std::int64_t on = local_day_number(r->at, program.utc_offset_minutes);
    if (on < month_start && item.limits.total == 0) break;
    if (r->item != item.id || r->cancelled_at || on > day) continue;
    used.total += r->quantity;
    if (on == day) used.day += r->quantity;
    if (on >= month_start) used.month += r->quantity;
  }
  return used;
}

namespace {

// mall_refusal with the member's units already counted.
std::optional<Error> refusal_with(const Program& program, const MemberState& state, const MallItem& item,
                                  std::int64_t quantity, TimeMs at, const MallStock& stock,
                                  std::optional<std::int64_t> cash_paid, const MemberFacts* facts, const MallUsed& used) {
  const std::int64_t today = local_day_number(at, program.utc_offset_minutes);
  if (item.from_day && today < *item.from_day) {
    return Error{"mall.not_on_sale", "goes on sale on " + date_from_day_number(*item.from_day).iso(), "event.item"};
  }
  if (item.to_day && today > *item.to_day) {
    return Error{"mall.sale_ended", "was on sale until " + date_from_day_number(*item.to_day).iso(), "event.item"};
  }
  if (!item.tiers.empty()) {
    const std::size_t tier = effective_tier(program, state, at);
    if (std::find(item.tiers.begin(), item.tiers.end(), tier) == item.tiers.end()) {
      std::string names;
      for (std::size_t t : item.tiers) names += (names.empty() ? "" : ", ") + program.tiers[t].id;
      return Error{"mall.tier_required", "is offered to members of " + names, "event.item"};
    }
  }
  if (!item.segments.empty()) {
    const bool in = facts ? in_any_segment(program, item.segments, *facts)
                          : in_any_segment(program, item.segments, member_facts(program, state, at));
    if (!in) return Error{"mall.segment_required", "is offered to members of chosen segments", "event.item"};
  }
  const struct {
    std::int64_t limit, used;
    const char* code;
    const char* period;
  } limits[] = {{item.limits.per_day, used.day, "mall.limit_day", "a day"},
                {item.limits.per_month, used.month, "mall.limit_month", "a month"},
                {item.limits.total, used.total, "mall.limit_total", "in all"}};
  for (const auto& l : limits) {
    if (l.limit > 0 && l.used + quantity > l.limit) {
      return Error{l.code, "a member may redeem " + units(l.limit) + " " + l.period + "; " +
                   units(l.used) + " redeemed already", "event.quantity"};
    }
  }
  if (stock.left && quantity > *stock.left) {
    return Error{"mall.sold_out", *stock.left == 0 ? "is sold out" : "only " + units(*stock.left) + " left",
                 "event.item"};
  }
  if (stock.left_today && quantity > *stock.left_today) {
    return Error{"mall.sold_out_today",
                 *stock.left_today == 0 ? "today's units are gone" : "only " + units(*stock.left_today) + " left today",
                 "event.item"};
  }
  const auto cash = checked_mul(item.cash, quantity);
  const auto points = checked_mul(item.points, quantity);
  if (!cash || !points) return Error{"arith.overflow", "the price leaves the safe integer range", "event.quantity"};
  if (cash_paid && *cash_paid != *cash) {
    if (*cash_paid == 0) {
      return Error{"mall.cash_unpaid", "costs " + std::to_string(*cash) +
                   " in minor units besides points, paid at the merchant, whose backend sends the redemption",
                   "event.item"};
    }
    return Error{"mall.cash_mismatch", "the price in cash is " + std::to_string(*cash), "event.cash_paid"};
  }
  if (state.available_points() < *points) {
    return Error{"points.insufficient", "costs " + std::to_string(*points) + " points; " +
                 std::to_string(state.available_points()) + " are available", "event.item"};
  }
  return std::nullopt;
}

}  // namespace

std::optional<Error> mall_refusal(const Program& program, const MemberState& state, const MallItem& item,
                                  std::int64_t quantity, TimeMs at, const MallStock& stock,
                                  std::optional<std::int64_t> cash_paid, const MemberFacts* facts) {
  const MallUsed used = mall_used(program, state, item, local_day_number(at, program.utc_offset_minutes));
  return refusal_with(program, state, item, quantity, at, stock, cash_paid, facts, used);
}

MallOffer mall_offer(const Program& program, const MemberState& state, const MallItem& item, TimeMs at,
                     const MallStock& stock) {
  MallOffer offer;
  const MallUsed used = mall_used(program, state, item, local_day_number(at, program.utc_offset_minutes));
  offer.refusal = refusal_with(program, state, item, 1, at, stock, std::nullopt, nullptr, used);
  offer.points_short = std::max<std::int64_t>(0, item.points - state.available_points());
  for (auto left : {left_under(item.limits.per_day, used.day), left_under(item.limits.per_month, used.month),
                    left_under(item.limits.total, used.total)}) {
    if (left) offer.limit_left = std::min(offer.limit_left.value_or(*left), *left);
  }
  if (offer.refusal) return offer;
  std::int64_t most = kMaxMallQuantity;
  for (auto bound : {offer.limit_left, stock.left, stock.left_today}) {
    if (bound) most = std::min(most, *bound);
  }
  if (item.points > 0) most = std::min(most, state.available_points() / item.points);
  offer.max_quantity = most;
  return offer;
}

}  // namespace loyalty
