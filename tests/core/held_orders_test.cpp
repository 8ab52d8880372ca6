// The orders a state holds for refunds. Their heap is weighed after every
// request the server takes (its cache of members); the sum over the records
// is kept between changes, and must be what summing them again gives.
#include "loyalty/held_orders.hpp"

#include <gtest/gtest.h>

#include <string>

#include "splitmix64.hpp"

namespace loyalty {
namespace {

OrderRecord order(testing::SplitMix64& rng, std::int64_t n, TimeMs at) {
  OrderRecord o;
  o.order_id = "order-with-a-long-id-" + std::to_string(n);  // past the string's inline room
  o.at = at;
  const std::int64_t lines = 1 + rng.below(4);
  for (std::int64_t i = 0; i < lines; ++i) {
    o.lines.push_back({"sku-" + std::string(static_cast<std::size_t>(rng.below(30)), 'x'), 0, 1, 100, 1, 0});
  }
  if (rng.below(2) == 0) o.redeemed.push_back({"a-lot-id-longer-than-fifteen-" + std::to_string(n), 10, at, std::nullopt});
  return o;
}

// What summing every record again gives (edit() forgets what was kept).
std::size_t summed_again(HeldOrders& orders) {
  orders.edit();
  return orders.heap_bytes();
}

TEST(HeldOrders, HeapBytesKeptBetweenChangesAreWhatSummingAgainGives) {
  testing::SplitMix64 rng{11};
  HeldOrders orders;
  std::int64_t n = 0;
  TimeMs at = 1'000'000;
  for (int step = 0; step < 2000; ++step) {
    switch (rng.below(5)) {
      case 0:
      case 1: orders.push_back(order(rng, n++, at += 1000)); break;
      case 2:
        if (!orders.empty()) orders.pop_back();
        break;
      case 3: orders.forget_before(at - 1000 * rng.below(40)); break;
      case 4:  // a refund changes the order it finds
        if (!orders.empty()) {
          const std::string id = orders[static_cast<std::size_t>(rng.below(static_cast<std::int64_t>(orders.size())))].order_id;
          if (OrderRecord* o = orders.find(id, 0)) o->refund_ids.push_back("refund-id-longer-than-fifteen-" + std::to_string(step));
        }
        break;
    }
    const std::size_t kept = orders.heap_bytes();
    ASSERT_EQ(kept, summed_again(orders)) << "step " << step;
  }
  HeldOrders moved = std::move(orders);
  const std::size_t kept = moved.heap_bytes();
  EXPECT_EQ(kept, summed_again(moved));
  EXPECT_EQ(orders.size(), 0u);
}

}  // namespace
}  // namespace loyalty
