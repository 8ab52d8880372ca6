#include "loyalty/member_session.hpp"

#include "loyalty/recall.hpp"

namespace loyalty {

MemberSession::MemberSession(std::shared_ptr<const Program> program, MemberState state)
    : program_(std::move(program)), state_(std::move(state)) {}

Result<const MemberSession::Moment*> MemberSession::moment(TimeMs at) const {
  if (moment_ && at >= moment_->from && (!moment_->until || at < *moment_->until)) return &*moment_;
  if (at < state_.clock) {
    return Error{"event.out_of_order", "the state is already at " + std::to_string(state_.clock) + "; time does not go back",
                 "at"};
  }
  if (moment_ && moment_->brought && at >= moment_->from) {
    // Later than a copy already brought forward (a member centre left open
    // past midnight): that copy goes on from where it is, which is the same
    // as bringing the held state here at once, and costs only what fell due
    // in between.
    Moment& m = *moment_;
    auto due = bring_forward(*program_, *m.brought, at);
    if (!due.ok()) return due.errors();
    m.from = at;
    m.until = due.value();
    m.pricing.reset();
    m.progress.reset();
    return &m;
  }
  std::optional<TimeMs> until = first_due(*program_, state_, at);
  std::optional<MemberState> brought_state;
  if (until && *until <= at) {
    // Something falls due by `at`: bring a copy forward, as state_at() would.
    auto brought = bring_to(*program_, state_, at);
    if (!brought.ok()) return brought.errors();
    until = brought.value().due;
    brought_state.emplace(std::move(brought).value().state);
  }
  // Made in place, the state moved once: each move of a whole state is
  // written out where it happens, and a Moment moved moved its state too.
  Moment& m = moment_.emplace();
  m.from = at;
  m.until = until;
  m.brought = std::move(brought_state);
  return &m;
}

Result<const MemberState*> MemberSession::at(TimeMs at) const {
  auto m = moment(at);
  if (!m.ok()) return m.errors();
  return m.value()->brought ? &*m.value()->brought : &state_;
}

Result<const PricingContext*> MemberSession::pricing(TimeMs at) const {
  auto state = this->at(at);
  if (!state.ok()) return state.errors();
  Moment& m = *moment_;
  const std::int64_t day = local_day_number(at, program_->utc_offset_minutes);
  if (!m.pricing || m.pricing->day != day) {
    m.pricing = pricing_context(*program_, *state.value(), at);
    m.progress.reset();
  }
  // Within a moment only the day matters (a paid term's end is a due time),
  // and which recall offer is open, which may change at any moment.
  m.pricing->at = at;
  m.pricing->recall = open_recall_offer(*program_, *state.value(), at);
  return &*m.pricing;
}

Result<OrderPreview> MemberSession::preview_order(const Cart& cart, TimeMs at) const {
  auto context = pricing(at);
  if (!context.ok()) return context.errors();
  const MemberState& state = *this->at(at).value();
  auto preview = price_order(*program_, state, *context.value(), cart, Detail::lines);
  if (!preview.ok()) return preview;
  OrderPreview p = std::move(preview).value();
  auto progress = tier_progress(at);
  p.progress = progress.value();
  if (!checked_add(state.growth, p.growth) || !checked_add(state.lifetime_spend, p.spend)) {
    return Error{"arith.overflow", "a value leaves the safe integer range (+-2^53-1)", "state"};
  }
  p.progress_after = progress_after_order(*program_, state, at, context.value()->totals, p.growth, p.spend);
  return p;
}

Result<std::int64_t> MemberSession::points(const CartLine* lines, std::size_t count, TimeMs at) const {
  auto context = pricing(at);
  if (!context.ok()) return context.errors();
  return order_points(*program_, *this->at(at).value(), *context.value(), lines, count);
}

Result<ListingPreview> MemberSession::preview_listing(const Cart& products, TimeMs at) const {
  auto context = pricing(at);
  if (!context.ok()) return context.errors();
  return loyalty::preview_listing(*program_, *context.value(), products);
}

Result<TierProgress> MemberSession::tier_progress(TimeMs at) const {
  auto context = pricing(at);
  if (!context.ok()) return context.errors();
  Moment& m = *moment_;
  if (!m.progress) m.progress = loyalty::tier_progress(*program_, *this->at(at).value(), at, context.value()->totals);
  return *m.progress;
}

Result<TimeMs> MemberSession::tier_progress_until(TimeMs at) const {
  auto m = moment(at);
  if (!m.ok()) return m.errors();
  const std::int32_t offset = program_->utc_offset_minutes;
  const TimeMs midnight = start_of_local_day(local_day_number(at, offset) + 1, offset);
  const std::optional<TimeMs>& due = m.value()->until;
  return due && *due < midnight ? *due : midnight;
}

Result<PointsSummary> MemberSession::points_summary(TimeMs at, std::int64_t horizon_days) const {
  auto state = this->at(at);
  if (!state.ok()) return state.errors();
  return points_summary_of(*program_, *state.value(), at, horizon_days);
}

Result<RedemptionPreview> MemberSession::redemption_preview(TimeMs at, std::int64_t order_total) const {
  if (!program_->redemption) return loyalty::redemption_preview(*program_, state_, at, order_total);
  auto state = this->at(at);
  if (!state.ok()) return state.errors();
  return redemption_preview_of(*program_, *state.value(), order_total);
}

LifecycleStatus MemberSession::lifecycle(TimeMs at) const { return loyalty::lifecycle(*program_, state_, at); }

Result<Applied> MemberSession::apply(const Event& event) {
  // First, so that the held lots are shared with no brought copy and change without one.
  moment_.reset();
  return apply_in_place(*program_, state_, event);
}

}  // namespace loyalty
