#include "loyalty/held_orders.hpp"

#include <utility>

namespace loyalty {

HeldOrders& HeldOrders::operator=(const HeldOrders& o) {
  if (this != &o) {
    orders_ = o.orders_;
    by_id_.clear();
    indexed_ = false;
  }
  return *this;
}

void HeldOrders::build_index() {
  by_id_.clear();
  first_ = 0;
  for (std::size_t seq = 0; seq < orders_.size(); ++seq) by_id_.emplace(id_hash(orders_[seq].order_id), seq);
  indexed_ = true;
}

OrderRecord* HeldOrders::find(const std::string& order_id, TimeMs from) {
  if (!indexed_) build_index();
  const std::int64_t hash = id_hash(order_id);
  for (auto it = by_id_.lower_bound({hash, 0}); it != by_id_.end() && it->first == hash; ++it) {
    OrderRecord& o = orders_[it->second - first_];
    if (o.order_id == order_id && o.at >= from) return &o;
  }
  return nullptr;
}

void HeldOrders::push_back(OrderRecord order) {
  if (indexed_) by_id_.emplace(id_hash(order.order_id), first_ + orders_.size());
  orders_.push_back(std::move(order));
}

void HeldOrders::pop_back() {
  if (indexed_) by_id_.erase({id_hash(orders_.back().order_id), first_ + orders_.size() - 1});
  orders_.pop_back();
}

void HeldOrders::forget_before(TimeMs from) {
  while (!orders_.empty() && orders_.front().at < from) {
    if (indexed_) by_id_.erase({id_hash(orders_.front().order_id), first_});
    orders_.pop_front();
    ++first_;
  }
}

std::deque<OrderRecord>& HeldOrders::edit() {
  indexed_ = false;
  return orders_;
}

}  // namespace loyalty
