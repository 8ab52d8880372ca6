// The points mall's catalogue tells a member the truth: what it says can be
// redeemed (and how many) is what a redemption then accepts, and what it
// refuses is refused with the same code; a refused redemption or
// cancellation applied in place leaves the state exactly as it was.
#include "event_sequence.hpp"
#include "loyalty/mall.hpp"
#include "loyalty/state_snapshot.hpp"

namespace loyalty {
namespace {

using namespace loyalty::testing;

Event redemption(const MallItem& item, std::int64_t quantity, TimeMs at, const MallStock& stock) {
  Event e;
  e.id = "probe";
  e.at = at;
  e.kind = EventKind::mall_redeem;
  e.item = item.id;
  e.quantity = quantity;
  e.mall_stock = stock;
  e.cash_paid = item.cash * quantity;  // paid at the merchant: the catalogue does not ask
  return e;
}

// The error code of redeeming `quantity` units, or "" when it is accepted.
std::string redeem_code(const Program& program, const MemberState& state, const MallItem& item, std::int64_t quantity,
                        TimeMs at, const MallStock& stock) {
  MemberState copy = state;
  auto applied = apply_in_place(program, copy, redemption(item, quantity, at, stock));
  return applied.ok() ? "" : applied.errors()[0].code;
}

TEST(Mall, TheCatalogueSaysWhatARedemptionThenDoes) {
  const Program program = load("bakery.json");
  int offered = 0, refused = 0;
  for (std::uint64_t seed = 1; seed <= 60; ++seed) {
    Sequence s(program, 104729ULL * seed);
    SplitMix64 rng{seed};
    for (int i = 0; i < 60; ++i) {
      s.step(s.next_event());
      if (HasFatalFailure()) return;
      const TimeMs at = s.now() + static_cast<TimeMs>(rng.below(3 * 24)) * kHour;
      auto brought = state_at(program, s.state(), at);
      ASSERT_TRUE(brought.ok());
      for (const MallItem& item : program.mall.items) {
        MallStock stock;
        if (rng.below(3) == 0) stock.left = rng.below(4);
        if (rng.below(3) == 0) stock.left_today = rng.below(4);
        const MallOffer offer = mall_offer(program, brought.value(), item, at, stock);
        const std::string code = redeem_code(program, s.state(), item, 1, at, stock);
        ASSERT_EQ(code, offer.refusal ? offer.refusal->code : "") << item.id << " at " << at;
        if (offer.refusal) {
          ++refused;
          ASSERT_EQ(offer.max_quantity, 0);
          continue;
        }
        ++offered;
        ASSERT_GE(offer.max_quantity, 1);
        ASSERT_EQ(redeem_code(program, s.state(), item, offer.max_quantity, at, stock), "") << item.id;
        if (offer.max_quantity < kMaxMallQuantity) {
          ASSERT_NE(redeem_code(program, s.state(), item, offer.max_quantity + 1, at, stock), "") << item.id;
        }
      }
    }
  }
  EXPECT_GT(offered, 100);
  EXPECT_GT(refused, 100);
}

TEST(Mall, ARefusedRedemptionOrCancellationInPlaceChangesNothing) {
  const Program program = load("bakery.json");
  int checked = 0;
  for (std::uint64_t seed = 1; seed <= 200; ++seed) {
    Sequence s(program, 15485863ULL * seed);
    for (int i = 0; i < 40; ++i) {
      const Event e = s.next_event();
      if (e.kind == EventKind::mall_redeem || e.kind == EventKind::mall_cancel) {
        MemberState held = s.state();
        const std::string before = state_snapshot(program, held);
        if (!apply_in_place(program, held, e).ok()) {
          ASSERT_EQ(state_snapshot(program, held), before) << e.id;
          ++checked;
        }
      }
      s.step(e);
      if (HasFatalFailure()) return;
    }
  }
  EXPECT_GT(checked, 50);
}

}  // namespace
}  // namespace loyalty
