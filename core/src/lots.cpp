#include "loyalty/member_state.hpp"

namespace loyalty {

const std::vector<Lot>& Lots::none() {
  static const std::vector<Lot> empty;
  return empty;
}

std::vector<Lot>& Lots::edit() {
  if (!shared_) {
    shared_ = std::make_shared<Shared>();
  } else if (shared_.use_count() > 1) {
    auto own = std::make_shared<Shared>();
    own->lots = shared_->lots;
    shared_ = std::move(own);
  }
  shared_->next_due.store(kUnknown, std::memory_order_relaxed);
  return shared_->lots;
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
