#include "loyalty/member_state.hpp"

namespace loyalty {

const std::vector<Lot>& Lots::none() {
  static const std::vector<Lot> empty;
  return empty;
}

std::vector<Lot>& Lots::own() {
  if (!shared_) {
    shared_ = std::make_shared<Shared>();
    shared_->next_due.store(kNothingDue, std::memory_order_relaxed);
  } else if (shared_.use_count() > 1) {
    auto own = std::make_shared<Shared>();
    own->lots = shared_->lots;
    own->next_due.store(shared_->next_due.load(std::memory_order_acquire), std::memory_order_relaxed);
    shared_ = std::move(own);
  }
  return shared_->lots;
}

std::vector<Lot>& Lots::edit() {
  std::vector<Lot>& lots = own();
  shared_->next_due.store(kUnknown, std::memory_order_relaxed);
  return lots;
}

void Lots::forget_due_if(const Lot& lot) {
  const TimeMs due = shared_->next_due.load(std::memory_order_relaxed);
  if ((lot.vests_at && *lot.vests_at <= due) || (lot.expires_at && *lot.expires_at <= due)) {
    shared_->next_due.store(kUnknown, std::memory_order_relaxed);
  }
}

void Lots::push_back(Lot lot) {
  std::vector<Lot>& lots = own();
  const TimeMs due = shared_->next_due.load(std::memory_order_relaxed);
  if (due != kUnknown) {
    TimeMs with = due;
    if (lot.vests_at) with = std::min(with, *lot.vests_at);
    if (lot.expires_at) with = std::min(with, *lot.expires_at);
    shared_->next_due.store(with, std::memory_order_relaxed);
  }
  lots.push_back(std::move(lot));
}

Lot& Lots::take(std::size_t i, std::int64_t points) {
  Lot& lot = own()[i];
  lot.points -= points;
  return lot;
}

void Lots::vest(std::size_t i) {
  Lot& lot = own()[i];
  forget_due_if(lot);
  lot.vests_at.reset();
}

std::optional<TimeMs> Lots::next_due() const {
  if (!shared_) return std::nullopt;
  TimeMs due = shared_->next_due.load(std::memory_order_acquire);
  if (due == kUnknown) {
    due = kNothingDue;
    for (const Lot& lot : shared_->lots) {
      if (lot.vests_at) due = std::min(due, *lot.vests_at);
      if (lot.expires_at) due = std::min(due, *lot.expires_at);
    }
    shared_->next_due.store(due, std::memory_order_release);
  }
  if (due == kNothingDue) return std::nullopt;
  return due;
}

}  // namespace loyalty
