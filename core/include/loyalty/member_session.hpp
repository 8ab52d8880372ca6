// A member session: a member's state read once and held, with what queries
// need kept ready, so that asking costs the same for a member with years of
// history as for a new one.
//
// Every answer equals the stateless function's (preview_order(),
// tier_progress(), ... on the same state) byte for byte; the session only
// remembers work:
//  - the state brought to the moment asked about (vesting, expiry,
//    evaluations), reused until the next time something falls due
//    (bring_to()/first_due() in apply.hpp), and moved on from there when a
//    later moment is asked (bring_forward()); when nothing is due the held
//    state itself answers, without a copy;
//  - per local day, the qualification window's totals, the tier whose
//    benefits apply and the birthday (PricingContext).
// apply() changes the held state and forgets both.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>

#include "loyalty/apply.hpp"
#include "loyalty/order_preview.hpp"
#include "loyalty/queries.hpp"
#include "loyalty/tier.hpp"

namespace loyalty {

class MemberSession {
 public:
  MemberSession(std::shared_ptr<const Program> program, MemberState state);

  const Program& program() const { return *program_; }
  const MemberState& state() const { return state_; }

  // The held state brought to `at`; valid until the next call on the session.
  // Error: "event.out_of_order" if `at` is before the state's clock.
  Result<const MemberState*> at(TimeMs at) const;

  Result<OrderPreview> preview_order(const Cart& cart, TimeMs at) const;
  // preview_order(cart, at).points, without the breakdown.
  Result<std::int64_t> points(const CartLine* lines, std::size_t count, TimeMs at) const;
  Result<ListingPreview> preview_listing(const Cart& products, TimeMs at) const;
  Result<TierProgress> tier_progress(TimeMs at) const;
  Result<PointsSummary> points_summary(TimeMs at, std::int64_t horizon_days) const;
  Result<RedemptionPreview> redemption_preview(TimeMs at, std::int64_t order_total) const;
  LifecycleStatus lifecycle(TimeMs at) const;

  // Until when, from `at`, tier_progress() answers as it does at `at`: the
  // next time something falls due or the next local midnight, whichever is
  // first. Lets a host keep the answer it was given.
  Result<TimeMs> tier_progress_until(TimeMs at) const;

  // apply_in_place() on the held state: state() is the new one. A refused
  // event changes nothing.
  Result<Applied> apply(const Event& event);

 private:
  // What the session knows of one stretch of time [from, until).
  struct Moment {
    // Declared: clang 14 takes a nested class with member initialisers for
    // one without a default constructor in std::optional::emplace().
    Moment() {}
    TimeMs from = 0;
    std::optional<TimeMs> until;         // absent: nothing ever falls due
    std::optional<MemberState> brought;  // absent: the held state answers as it is
    std::optional<PricingContext> pricing;
    std::optional<TierProgress> progress;  // for pricing->day
  };
  Result<const Moment*> moment(TimeMs at) const;
  Result<const PricingContext*> pricing(TimeMs at) const;

  std::shared_ptr<const Program> program_;
  MemberState state_;
  mutable std::optional<Moment> moment_;
};

}  // namespace loyalty
