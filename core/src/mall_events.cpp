// Points mall events inside apply(): a redemption and its cancellation.
#include <algorithm>

#include "loyalty/checked_math.hpp"
#include "loyalty/mall.hpp"
#include "task_events.hpp"

namespace loyalty {

std::optional<Error> TaskEvents::mall_redeem() {
  const MallItem* item = program_.mall.item(event_.item);
  if (!item) return Error{"mall.unknown_item", "\"" + event_.item + "\" is not an item of this programme's mall", "event.item"};
  if (auto refusal = mall_refusal(program_, state_, *item, event_.quantity, event_.at, event_.mall_stock,
                                  event_.cash_paid.value_or(0), item->segments.empty() ? nullptr : &facts())) {
    return refusal;
  }
  MallRedemption r;
  r.id = event_.id;
  r.item = item->id;
  r.quantity = event_.quantity;
  r.points = item->points * event_.quantity;  // mall_refusal checked the products
  r.cash = item->cash * event_.quantity;
  r.at = event_.at;
  if (r.points > 0) r.parts = spend_for(r.points, LedgerKind::mall_redeem, item->id);
  // A row for each unit: each grants its own coupon, and names the goods to ship.
  for (std::int64_t unit = 1; unit <= event_.quantity; ++unit) {
    const std::string suffix = event_.quantity == 1 ? "" : "#unit" + std::to_string(unit);
    if (auto e = grant(item->reward, LedgerKind::mall_redeem, item->id, item->goods, false, suffix)) return e;
  }
  r.red_packet = item->reward.red_packet * event_.quantity;
  r.box_chances = item->reward.box_chances * event_.quantity;
  // Nothing refuses the event from here: the kept list is not undone (state_undo.hpp).
  std::vector<MallRedemption>& kept = state_.tasks.mall;
  // Past the bound the oldest is forgotten: its limits have long passed.
  if (kept.size() >= kMaxMallRedemptions) kept.erase(kept.begin());
  kept.push_back(std::move(r));
  return std::nullopt;
}

std::optional<Error> TaskEvents::mall_cancel() {
  std::vector<MallRedemption>& kept = state_.tasks.mall;
  auto it = std::find_if(kept.begin(), kept.end(), [&](const MallRedemption& r) { return r.id == event_.redemption; });
  if (it == kept.end()) {
    return Error{"mall.unknown_redemption", "the member has no mall redemption \"" + event_.redemption + "\"",
                 "event.redemption"};
  }
  if (it->cancelled_at) return Error{"mall.already_cancelled", "was cancelled already", "event.redemption"};
  it->cancelled_at = event_.at;  // nothing refuses the event from here (state_undo.hpp)
  const std::size_t first = out_.ledger.size();
  book_.give_back(it->parts, 0, it->points, LedgerKind::mall_cancel, "", event_.at);
  // What it gave comes back as far as the member still holds it.
  TaskState& t = state_.tasks;
  LedgerEntry taken{event_.id, event_.at, LedgerKind::mall_cancel, 0, 0, 0, "", "", ""};
  taken.red_packet = -std::min(t.red_packet, it->red_packet);
  taken.box_chances = -std::min(t.box_chances, it->box_chances);
  t.red_packet += taken.red_packet;
  t.box_chances += taken.box_chances;
  if (taken.red_packet != 0 || taken.box_chances != 0) out_.ledger.push_back(taken);
  const std::string& redemption = it->id;
  for (const HeldCoupon& c : t.coupons) {
    if (c.event_id != redemption) continue;
    LedgerEntry coupon{event_.id, event_.at, LedgerKind::mall_cancel, 0, 0, 0, "", "", ""};
    coupon.coupon = c.coupon;
    out_.ledger.push_back(std::move(coupon));
  }
  t.coupons.erase(std::remove_if(t.coupons.begin(), t.coupons.end(),
                                 [&](const HeldCoupon& c) { return c.event_id == redemption; }),
                  t.coupons.end());
  for (std::size_t i = first; i < out_.ledger.size(); ++i) {
    if (out_.ledger[i].kind == LedgerKind::mall_cancel) out_.ledger[i].subject = it->item;
  }
  return std::nullopt;
}

}  // namespace loyalty
