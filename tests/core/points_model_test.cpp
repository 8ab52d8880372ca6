// Model-based test: a deliberately plain reference model of the points rules
// (earn per line with a category multiplier and floor rounding, lots that
// expire a number of local days after they are earned, spending the soonest
// to expire first, refusing to spend more than is held), written here
// without the core's code, compared with the core after every event of
// 100,000 random sequences. A disagreement is a bug in one of the two.
#include <gtest/gtest.h>

#include <algorithm>
#include <iterator>
#include <map>
#include <string>

#include "loyalty/apply.hpp"
#include "loyalty/engine.hpp"
#include "splitmix64.hpp"

namespace loyalty {
namespace {

using testing::SplitMix64;

constexpr std::int64_t kDay = 86400000;
constexpr std::int64_t kOffset = 8 * 3600000;  // UTC+8: the local day starts at 16:00 UTC
constexpr std::int64_t kExpiryDays = 30;
constexpr TimeMs kStart = 1767196800000;        // 2026-01-01T00:00:00+08:00

// Bread earns double; the other two categories the base rate.
constexpr const char* kProgram = R"({
  "schema_version": 1, "id": "model", "version": 1, "name": {"en": "Model"},
  "currency": {"code": "CNY", "minor_units": 2}, "utc_offset_minutes": 480,
  "tiers": [{"id": "member", "name": {"en": "Member"}}],
  "earning": {
    "points": {"earn": 1, "per_minor": 100, "rounding": "floor"},
    "categories": [{"id": "bread", "name": {"en": "Bread"}, "multiplier_bp": 20000},
                   {"id": "cake", "name": {"en": "Cake"}}, {"id": "drinks", "name": {"en": "Drinks"}}],
    "combine": "multiply"
  },
  "expiry": {"policy": "days", "days": 30}
})";
constexpr std::int64_t kCategoryPercent[] = {200, 100, 100};

// The reference: points held, by the instant they expire.
struct Model {
  std::map<TimeMs, std::int64_t> held;

  static TimeMs expiry_of(TimeMs earned_at) {
    const std::int64_t local_day = (earned_at + kOffset) / kDay;  // times here are after 1970
    return (local_day + kExpiryDays + 1) * kDay - kOffset;
  }
  void pass_time(TimeMs to) {
    while (!held.empty() && held.begin()->first <= to) held.erase(held.begin());
  }
  std::int64_t balance() const {
    std::int64_t sum = 0;
    for (const auto& [expires, points] : held) sum += points;
    return sum;
  }
  void order(const Event& e) {
    std::int64_t points = 0;
    for (const CartLine& line : e.cart.lines) {
      const std::int64_t base = line.unit_price * line.quantity / 100;
      points += base * kCategoryPercent[line.category] / 100;
    }
    if (points > 0) held[expiry_of(e.at)] += points;
  }
  bool redeem(std::int64_t points) {  // false: refused, nothing changes
    if (balance() < points) return false;
    for (auto it = held.begin(); points > 0;) {
      const std::int64_t take = std::min(points, it->second);
      it->second -= take;
      points -= take;
      it = it->second == 0 ? held.erase(it) : std::next(it);
    }
    return true;
  }
};

std::map<TimeMs, std::int64_t> held_by_expiry(const MemberState& s) {
  std::map<TimeMs, std::int64_t> held;
  for (const Lot& lot : s.lots) held[lot.expires_at.value_or(-1)] += lot.points;
  return held;
}

TEST(PointsModel, TheCoreAgreesWithAPlainModelOver100000RandomSequences) {
  const Program program = Engine::load(kProgram).value().program();
  constexpr int kSequences = 100000;
  constexpr int kEvents = 8;
  std::int64_t orders = 0, redeemed = 0, refused = 0, expired_sequences = 0;
  for (int seq = 0; seq < kSequences; ++seq) {
    SplitMix64 rng{0x5eed0000ULL + static_cast<std::uint64_t>(seq)};
    MemberState state;
    state.member_id = "m";
    state.joined_at = kStart;
    Model model;
    TimeMs now = kStart;
    bool any_expired = false;
    for (int i = 0; i < kEvents; ++i) {
      // Hours apart, now and then weeks: lots expire within most sequences.
      now += rng.below(4) == 0 ? rng.below(40) * kDay + rng.below(kDay) : rng.below(20 * 3600000);
      Event e;
      e.id = "e" + std::to_string(i);
      e.at = now;
      const std::int64_t pick = rng.below(10);
      if (pick < 5) {
        e.kind = EventKind::order;
        e.order_id = e.id;
        for (std::int64_t n = 1 + rng.below(4); n > 0; --n) {
          e.cart.lines.push_back({"sku", static_cast<std::size_t>(rng.below(3)), rng.below(20000), 1 + rng.below(3)});
        }
      } else if (pick < 9) {
        e.kind = EventKind::redeem;
        e.points = 1 + rng.below(1 + model.balance() + 20);  // now and then more than is held
        e.reward_id = "gift";
      } else {
        e.kind = EventKind::time_passes;
      }

      const std::size_t before = model.held.size();
      model.pass_time(now);
      any_expired = any_expired || model.held.size() < before;
      bool model_accepts = true;
      if (e.kind == EventKind::order) model.order(e);
      if (e.kind == EventKind::redeem) model_accepts = model.redeem(e.points);

      auto outcome = apply(program, state, e);
      ASSERT_EQ(outcome.ok(), model_accepts) << "sequence " << seq << " event " << i
                                             << (outcome.ok() ? "" : ": " + outcome.errors()[0].code);
      if (!outcome.ok()) {
        ASSERT_EQ(outcome.errors()[0].code, "points.insufficient");
        ++refused;
        // A refused event leaves the state as it was, time included: bring it on.
        state = state_at(program, state, now).value();
      } else {
        state = std::move(outcome).value().state;
        orders += e.kind == EventKind::order;
        redeemed += e.kind == EventKind::redeem;
      }
      ASSERT_EQ(state.available_points(), model.balance()) << "sequence " << seq << " event " << i;
      ASSERT_EQ(held_by_expiry(state), model.held) << "sequence " << seq << " event " << i;
    }
    expired_sequences += any_expired;
  }
  // The sequences reach every path the model has.
  EXPECT_GT(orders, 100000);
  EXPECT_GT(redeemed, 100000);
  EXPECT_GT(refused, 10000);
  EXPECT_GT(expired_sequences, 10000);
  RecordProperty("orders", static_cast<int>(orders));
  RecordProperty("redeemed", static_cast<int>(redeemed));
  RecordProperty("refused", static_cast<int>(refused));
  RecordProperty("sequences_with_expiry", static_cast<int>(expired_sequences));
}

}  // namespace
}  // namespace loyalty
