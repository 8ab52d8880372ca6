// Events: every change of a member's state is one of these, applied by
// apply() (apply.hpp). Each carries a unique id and the time it happened.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "loyalty/cart.hpp"
#include "loyalty/local_time.hpp"

namespace loyalty {

enum class EventKind {
  order,            // a paid order: earns points (pending first) and growth
  refund,           // some or all lines of an earlier order come back
  redeem,           // points for a reward
  birthday,         // the member's birthday: the tier's gift, once a year
  paid_membership,  // buys or renews the paid tier
  time_passes,      // nothing but time: vesting, expiry, tier evaluation
};

struct RefundLine {
  std::size_t line = 0;  // index into the order's lines
  std::int64_t quantity = 0;
};

struct Event {
  std::string id;
  TimeMs at = 0;
  EventKind kind = EventKind::time_passes;
  // order / refund
  std::string order_id;
  Cart cart;                         // order
  std::int64_t redeem_points = 0;    // order: points spent at checkout
  std::vector<RefundLine> refund_lines;  // refund: empty means all that is left
  // redeem
  std::int64_t points = 0;
  std::string reward_id;
};

}  // namespace loyalty
