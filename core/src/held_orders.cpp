#include "loyalty/held_orders.hpp"

#include <utility>

#include "heap_bytes.hpp"

namespace loyalty {

HeldOrders& HeldOrders::operator=(const HeldOrders& o) {
  if (this != &o) {
    orders_ = o.orders_;
    by_id_.clear();
    indexed_ = false;
    forget_snapshot();
    records_bytes_.reset();  // copied strings hold no more than their text
  }
  return *this;
}

HeldOrders::HeldOrders(HeldOrders&& o) noexcept { *this = std::move(o); }

HeldOrders& HeldOrders::operator=(HeldOrders&& o) noexcept {
  if (this != &o) {
    orders_ = std::move(o.orders_);
    by_id_ = std::move(o.by_id_);
    first_ = o.first_;
    indexed_ = o.indexed_;
    snapshot_ = std::move(o.snapshot_);
    snapshot_program_ = o.snapshot_program_;
    derived_ = std::move(o.derived_);
    records_bytes_ = o.records_bytes_;
    o.orders_.clear();
    o.by_id_.clear();
    o.indexed_ = false;
    o.forget_snapshot();
    o.records_bytes_ = 0;
  }
  return *this;
}

const std::string* HeldOrders::kept_snapshot(const void* program) const {
  return snapshot_program_ && snapshot_program_ == program ? &snapshot_ : nullptr;
}

void HeldOrders::keep_snapshot(const void* program, std::string_view bytes) const {
  snapshot_.assign(bytes.data(), bytes.size());
  snapshot_program_ = program;
  derived_.clear();
}

void HeldOrders::keep_derived(std::string bytes) const {
  if (snapshot_program_) derived_ = std::move(bytes);
}

void HeldOrders::forget_snapshot() {
  snapshot_.clear();
  snapshot_program_ = nullptr;
  derived_.clear();
}

void HeldOrders::build_index() {
  by_id_.clear();
  first_ = 0;
  for (std::size_t seq = 0; seq < orders_.size(); ++seq) by_id_.emplace(id_hash(orders_[seq].order_id), seq);
  indexed_ = true;
}

OrderRecord* HeldOrders::find(const std::string& order_id, TimeMs from) {
  forget_snapshot();  // the order found may be changed through the pointer
  records_bytes_.reset();
  if (!indexed_) build_index();
  const std::int64_t hash = id_hash(order_id);
  for (auto it = by_id_.lower_bound({hash, 0}); it != by_id_.end() && it->first == hash; ++it) {
    OrderRecord& o = orders_[it->second - first_];
    if (o.order_id == order_id && o.at >= from) return &o;
  }
  return nullptr;
}

void HeldOrders::push_back(OrderRecord order) {
  forget_snapshot();
  if (records_bytes_) *records_bytes_ += record_bytes(order);
  if (indexed_) by_id_.emplace(id_hash(order.order_id), first_ + orders_.size());
  orders_.push_back(std::move(order));
}

void HeldOrders::pop_back() {
  forget_snapshot();
  if (records_bytes_) *records_bytes_ -= record_bytes(orders_.back());
  if (indexed_) by_id_.erase({id_hash(orders_.back().order_id), first_ + orders_.size() - 1});
  orders_.pop_back();
}

void HeldOrders::forget_before(TimeMs from) {
  while (!orders_.empty() && orders_.front().at < from) {
    forget_snapshot();
    if (records_bytes_) *records_bytes_ -= record_bytes(orders_.front());
    if (indexed_) {  // found once (erase(key) searches for the range of equal keys, twice)
      const auto held = by_id_.find({id_hash(orders_.front().order_id), first_});
      if (held != by_id_.end()) by_id_.erase(held);
    }
    orders_.pop_front();
    ++first_;
  }
}

std::deque<OrderRecord>& HeldOrders::edit() {
  indexed_ = false;
  forget_snapshot();
  records_bytes_.reset();
  return orders_;
}

std::size_t HeldOrders::record_bytes(const OrderRecord& o) {
  using namespace heap_bytes;
  std::size_t bytes = of(o.order_id) + of_array(o.lines) + of_array(o.redeemed) + of(o.refund_ids);
  for (const OrderLineRecord& line : o.lines) bytes += of(line.sku);
  for (const RedeemedPart& part : o.redeemed) bytes += of(part.lot);
  return bytes;
}

std::size_t HeldOrders::heap_bytes() const {
  using namespace heap_bytes;
  // libstdc++'s deque: buffers of 512 bytes' worth of records (at least one), and a map of them.
  const std::size_t per_buffer = sizeof(OrderRecord) < 512 ? 512 / sizeof(OrderRecord) : 1;
  const std::size_t buffers = orders_.size() / per_buffer + 1;
  if (!records_bytes_) {
    records_bytes_ = 0;
    for (const OrderRecord& o : orders_) *records_bytes_ += record_bytes(o);
  }
  return buffers * block(per_buffer * sizeof(OrderRecord)) + block((buffers + 8) * sizeof(void*)) +
         of_nodes(by_id_) + of(snapshot_) + of(derived_) + *records_bytes_;
}

}  // namespace loyalty
