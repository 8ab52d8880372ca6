#include "loyalty/member_state.hpp"

#include "heap_bytes.hpp"

namespace loyalty {

MemberState::MemberState(MemberState&&) noexcept = default;
MemberState& MemberState::operator=(MemberState&&) noexcept = default;

namespace {

std::size_t task_heap_bytes(const TaskState& t) {
  using namespace heap_bytes;
  std::size_t bytes = of(t.liked) + of(t.scanned) + of_array(t.invitees) + of_array(t.progress) + of_array(t.coupons);
  if (t.checkin) bytes += of_array(t.checkin->days) + of_array(t.checkin->made_up);
  if (t.invited_by) bytes += of(*t.invited_by);
  for (const Invitee& i : t.invitees) bytes += of(i.member_id);
  for (const TaskProgress& p : t.progress) bytes += of(p.task) + of(p.items);
  for (const HeldCoupon& c : t.coupons) bytes += of(c.coupon) + of(c.event_id);
  bytes += of_array(t.mall);
  for (const MallRedemption& r : t.mall) {
    bytes += of(r.id) + of(r.item) + of_array(r.parts);
    for (const RedeemedPart& p : r.parts) bytes += of(p.lot);
  }
  bytes += of_array(t.spokesperson.campaigns) + of_array(t.spokesperson.brought_by);
  for (const CampaignFriends& c : t.spokesperson.campaigns) {
    bytes += of(c.campaign) + of_array(c.friends);
    for (const CountedFriend& f : c.friends) bytes += of(f.member_id);
  }
  for (const BroughtBy& b : t.spokesperson.brought_by) bytes += of(b.campaign) + of(b.spokesperson);
  return bytes;
}

}  // namespace

std::size_t MemberState::heap_bytes() const {
  return heap_bytes::of(member_id) + lots.heap_bytes() + orders.heap_bytes() + activity.heap_bytes() +
         recent_events.heap_bytes() + task_heap_bytes(tasks) + heap_bytes::of(tags);
}

}  // namespace loyalty
