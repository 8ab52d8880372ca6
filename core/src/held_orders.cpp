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
  for (std::size_t seq = 0; seq < orders_.size(); ++seq) by_id_.emplace_hint(by_id_.end(), orders_[seq].order_id, seq);
  indexed_ = true;
}

OrderRecord* HeldOrders::find(const std::string& order_id, TimeMs from) {
  if (!indexed_) build_index();
  for (auto [it, end] = by_id_.equal_range(order_id); it != end; ++it) {
    OrderRecord& o = orders_[it->second - first_];
    if (o.at >= from) return &o;
  }
  return nullptr;
}

void HeldOrders::push_back(OrderRecord order) {
  if (indexed_) by_id_.emplace(order.order_id, first_ + orders_.size());
  orders_.push_back(std::move(order));
}

namespace {

void forget(std::multimap<std::string, std::size_t, std::less<>>& by_id, const std::string& id, std::size_t seq) {
  for (auto [it, end] = by_id.equal_range(id); it != end; ++it) {
    if (it->second == seq) {
      by_id.erase(it);
      return;
    }
  }
}

}  // namespace

void HeldOrders::pop_back() {
  if (indexed_) forget(by_id_, orders_.back().order_id, first_ + orders_.size() - 1);
  orders_.pop_back();
}

void HeldOrders::forget_before(TimeMs from) {
  while (!orders_.empty() && orders_.front().at < from) {
    if (indexed_) forget(by_id_, orders_.front().order_id, first_);
    orders_.pop_front();
    ++first_;
  }
}

std::deque<OrderRecord>& HeldOrders::edit() {
  indexed_ = false;
  return orders_;
}

}  // namespace loyalty
