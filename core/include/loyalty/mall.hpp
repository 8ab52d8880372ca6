// The points mall (积分商城): items bought with points (or points and cash
// paid at the merchant), each with its sale dates, stock, per-member limits
// and the tiers it is offered to. Stock is shared by every member, so the
// server decides it and hands the core what is left (MallStock), as it does
// a box's prize stock; everything else is decided here, for the redemption
// (apply) and for the catalogue a member sees (mall_catalog) alike.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "loyalty/error.hpp"
#include "loyalty/held_orders.hpp"
#include "loyalty/local_time.hpp"
#include "loyalty/task_rules.hpp"  // LocalizedText, Reward

namespace loyalty {

struct MemberFacts;
struct MemberState;
struct Program;

// A member's redemptions of one item are limited per local day, per
// calendar month and over the item's whole sale; 0: no limit.
struct MallLimits {
  std::int64_t per_day = 0;
  std::int64_t per_month = 0;
  std::int64_t total = 0;
};

struct MallItem {
  std::string id;
  LocalizedText name;
  std::int64_t points = 0;  // the price of one unit
  std::int64_t cash = 0;    // minor units, paid at the merchant (its backend sends the redemption)
  std::optional<std::int64_t> from_day;  // local day numbers, inclusive; absent: open-ended
  std::optional<std::int64_t> to_day;
  std::optional<std::int64_t> stock;        // units in all; absent: unlimited
  std::optional<std::int64_t> daily_stock;  // units a local day
  MallLimits limits;
  std::vector<std::size_t> tiers;  // tiers it is offered to; empty: every tier
  std::vector<std::size_t> segments;  // segments it is offered to (program.segments); empty: everyone
  Reward reward;                   // per unit: a coupon, a red packet, box chances
  std::string goods;               // physical goods shipped per unit (its id at the merchant); empty: none
};

struct MallRules {
  std::vector<MallItem> items;
  const MallItem* item(std::string_view id) const;
};

// What the server knows of an item's stock when a member redeems it.
struct MallStock {
  std::optional<std::int64_t> left;        // of `stock`; absent: not limited (or not known offline)
  std::optional<std::int64_t> left_today;  // of `daily_stock`
};

// A member's redemption, kept for the limits and for an exact cancellation.
struct MallRedemption {
  std::string id;  // the redeeming event's id
  std::string item;
  std::int64_t quantity = 1;
  std::int64_t points = 0;  // spent in all
  std::int64_t cash = 0;    // paid in all
  std::int64_t red_packet = 0;   // given in all (a cancellation takes back what is still held)
  std::int64_t box_chances = 0;  // given in all
  TimeMs at = 0;
  std::vector<RedeemedPart> parts;  // the lots the points came from: given back as they were
  std::optional<TimeMs> cancelled_at;
};

inline constexpr std::size_t kMaxMallItems = 500;
inline constexpr std::int64_t kMaxMallQuantity = 100;
inline constexpr std::size_t kMaxMallRedemptions = 10000;  // held in a state

// Units of `item` the member redeemed (and did not have cancelled) on the
// local day `day`, in its calendar month, and ever.
struct MallUsed {
  std::int64_t day = 0;
  std::int64_t month = 0;
  std::int64_t total = 0;
};
MallUsed mall_used(const Program& program, const MemberState& state, const MallItem& item, std::int64_t day);

// Why `quantity` units of `item` cannot be redeemed at `at` (the state
// brought to `at`), checked in the order a member would want to hear it:
// the sale, the tier, the limits, the stock, the cash, the points. nullopt:
// it can. `cash_paid`: absent skips the cash check (a catalogue's question).
// `facts`: the member as segments see it, when the caller has them (else
// found from `state` if the item is limited to segments).
std::optional<Error> mall_refusal(const Program& program, const MemberState& state, const MallItem& item,
                                  std::int64_t quantity, TimeMs at, const MallStock& stock,
                                  std::optional<std::int64_t> cash_paid, const MemberFacts* facts = nullptr);

// The most units one redemption could take now (0 when refused), and what bounds it.
struct MallOffer {
  std::optional<Error> refusal;            // of one unit
  std::int64_t max_quantity = 0;
  std::optional<std::int64_t> limit_left;  // the tightest per-member limit; absent: none
  std::int64_t points_short = 0;           // for one unit
};
MallOffer mall_offer(const Program& program, const MemberState& state, const MallItem& item, TimeMs at,
                     const MallStock& stock);

}  // namespace loyalty
