// The orders a member's state holds for the refund window, so that refunds
// can be exact: in the order they came (so in time order), the oldest
// leaving from the front as their window closes, each found by its id in
// O(log n).
#pragma once

#include <cstdint>
#include <deque>
#include <optional>
#include <set>
#include <utility>
#include <string>
#include <string_view>
#include <vector>

#include "loyalty/local_time.hpp"
#include "loyalty/lots.hpp"

namespace loyalty {

struct OrderLineRecord {
  std::string sku;
  std::size_t category = 0;
  std::int64_t quantity = 0;
  std::int64_t paid = 0;
  std::int64_t points = 0;  // before any cap
  std::int64_t refunded_quantity = 0;
};

// Points spent at checkout on an order, kept to return them on a refund.
struct RedeemedPart {
  std::string lot;
  std::int64_t points = 0;
  TimeMs earned_at = 0;
  std::optional<TimeMs> expires_at;
};

// An order, kept for the refund window so that refunds can be exact.
struct OrderRecord {
  std::string order_id;
  TimeMs at = 0;
  std::vector<OrderLineRecord> lines;
  std::int64_t paid = 0;
  std::int64_t points = 0;  // awarded (after caps)
  std::int64_t growth = 0;
  std::int64_t paid_refunded = 0;
  std::int64_t points_clawed = 0;
  std::int64_t growth_clawed = 0;
  std::vector<RedeemedPart> redeemed;
  std::int64_t redeemed_points = 0;
  std::int64_t redeemed_returned = 0;
  std::vector<std::string> refund_ids;
};

class HeldOrders {
 public:
  using const_iterator = std::deque<OrderRecord>::const_iterator;

  HeldOrders() = default;
  // A copy builds its index when it is first asked for an order.
  HeldOrders(const HeldOrders& o) : orders_(o.orders_) {}
  HeldOrders& operator=(const HeldOrders& o);
  // What is moved from is left empty, with nothing kept.
  HeldOrders(HeldOrders&& o) noexcept;
  HeldOrders& operator=(HeldOrders&& o) noexcept;

  const_iterator begin() const { return orders_.begin(); }
  const_iterator end() const { return orders_.end(); }
  std::size_t size() const { return orders_.size(); }
  bool empty() const { return orders_.empty(); }
  const OrderRecord& operator[](std::size_t i) const { return orders_[i]; }
  const OrderRecord& back() const { return orders_.back(); }

  // The first order held with this id placed at or after `from`; a change
  // through the pointer must leave its id and time as they are.
  OrderRecord* find(const std::string& order_id, TimeMs from);

  void push_back(OrderRecord order);  // placed no earlier than the last
  void pop_back();
  void forget_before(TimeMs from);  // the orders placed before `from` leave
  // Any change at all; the index is rebuilt when next asked.
  std::deque<OrderRecord>& edit();

  std::size_t heap_bytes() const;

  // The orders as a snapshot writes them under `program`, if kept since
  // the last change (state_snapshot's keep_orders): a member with a year
  // of orders is written after every request, and its orders change in few.
  const std::string* kept_snapshot(const void* program) const;
  void keep_snapshot(const void* program, std::string_view bytes) const;
  // What a host makes of the kept snapshot (the server: its compressed
  // form), forgotten with it; "" when none.
  const std::string& kept_derived() const { return derived_; }
  void keep_derived(std::string bytes) const;  // while a snapshot is kept

 private:
  void build_index();
  void forget_snapshot();
  static std::size_t record_bytes(const OrderRecord& o);

  std::deque<OrderRecord> orders_;
  // (the order id's hash, its sequence number: orders_[seq - first_]), so
  // equal ids in the order they came.
  std::set<std::pair<std::int64_t, std::size_t>> by_id_;
  std::size_t first_ = 0;  // the sequence number of orders_.front()
  bool indexed_ = false;
  mutable std::string snapshot_;
  mutable const void* snapshot_program_ = nullptr;  // none kept
  mutable std::string derived_;
  // The records' own heap, summed when first asked and kept in step by
  // push_back, pop_back and forget_before: the server weighs a held member
  // after every request, and summing a year of orders was ~2 % of its CPU.
  // find() forgets it, as the snapshot, since the order found may change.
  mutable std::optional<std::size_t> records_bytes_;
};

}  // namespace loyalty
