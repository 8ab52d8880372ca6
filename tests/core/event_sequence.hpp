// Seeded random event sequences on a programme (orders with checkout points,
// partial and full refunds, redemptions, birthdays, paid membership, tasks
// and games, long gaps of time), applied with every ledger and invariant
// check; shared by the property tests.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <fstream>
#include <sstream>

#include "loyalty/apply.hpp"
#include "loyalty/engine.hpp"
#include "loyalty/invariants.hpp"
#include "loyalty/json_codec.hpp"
#include "splitmix64.hpp"

namespace loyalty::testing {

constexpr TimeMs kStart = 1767196800000;  // 2026-01-01T00:00:00+08:00
constexpr TimeMs kHour = 3600000;

inline std::string program_text(const std::string& name) {
  std::ifstream file(std::string(LOYALTY_SOURCE_DIR) + "/programs/" + name);
  std::stringstream text;
  text << file.rdbuf();
  return text.str();
}

inline Program load(const std::string& name) { return Engine::load(program_text(name)).value().program(); }

struct Sums {
  std::int64_t available = 0, pending = 0, debt = 0;
  std::int64_t red_packet = 0, box_chances = 0, makeup_cards = 0, coupons = 0;
};

// How often each ledger row and notice kind occurred: a sequence generator
// that never reaches a path proves nothing about it.
inline std::array<int, 32> ledger_counts{};  // indexed by LedgerKind
inline std::array<int, 32> notice_counts{};  // indexed by NoticeKind

class Sequence {
 public:
  // `newer`: mall redemptions and cancellations and operator tags too, on a
  // programme with a mall, and spokesperson visits and credits on one with
  // campaigns (the copy-and-scan reference that the differential test
  // compares with predates them).
  Sequence(const Program& program, std::uint64_t seed, bool newer = true)
      : program_(program), mall_(newer && !program.mall.items.empty()),
        spokesperson_(newer && !program.tasks.spokesperson.empty()), rng_{seed} {
    state_.member_id = "m-" + std::to_string(seed);
    state_.joined_at = kStart;
    state_.birthday = MonthDay{static_cast<std::int32_t>(1 + rng_.below(12)), static_cast<std::int32_t>(1 + rng_.below(28))};
    now_ = kStart;
  }

  Event next_event() {
    const std::int64_t gap = rng_.below(20);  // mostly hours, some weeks, now and then over a year
    now_ += gap == 0 ? rng_.below(500) * 24 * kHour : gap < 5 ? rng_.below(60) * 24 * kHour : rng_.below(30 * kHour);
    Event e;
    e.id = "e" + std::to_string(++count_);
    e.at = now_;
    const std::int64_t pick = rng_.below(100);
    if (pick < 45) {
      e.kind = EventKind::order;
      e.order_id = "o" + std::to_string(count_);
      const std::int64_t lines = 1 + rng_.below(4);
      for (std::int64_t i = 0; i < lines; ++i) {
        const auto category = static_cast<std::size_t>(rng_.below(static_cast<std::int64_t>(program_.categories.size())));
        const std::string sku = rng_.below(10) == 0 && !program_.skus.empty() ? program_.skus[0].id : "sku" + std::to_string(i);
        e.cart.lines.push_back({sku, category, rng_.below(60000), 1 + rng_.below(3)});
      }
      if (program_.redemption && rng_.below(4) == 0) {
        e.redeem_points = program_.redemption->step * rng_.below(20);
      }
    } else if (pick < 65 && !state_.orders.empty()) {
      e.kind = EventKind::refund;
      const OrderRecord& o = state_.orders[static_cast<std::size_t>(rng_.below(static_cast<std::int64_t>(state_.orders.size())))];
      e.order_id = o.order_id;
      if (rng_.below(2) == 0) {
        const auto line = static_cast<std::size_t>(rng_.below(static_cast<std::int64_t>(o.lines.size())));
        e.refund_lines.push_back({line, 1});
      }
    } else if (pick < 78) {
      e.kind = EventKind::redeem;
      e.points = 1 + rng_.below(std::max<std::int64_t>(1, state_.available_points() + 50));
      e.reward_id = "reward";
    } else if (pick < 83) {
      e.kind = EventKind::birthday;
    } else if (pick < 88 && program_.paid_membership) {
      e.kind = EventKind::paid_membership;
    } else {
      e.kind = EventKind::time_passes;
    }
    if (program_.tasks.any() && rng_.below(2) == 0) task_event(e);
    return e;
  }

  // Half the events of a programme with tasks are tasks and games.
  void task_event(Event& e) {
    const std::int64_t pick = rng_.below(100);
    if (pick < 40) {
      e.kind = EventKind::checkin;
    } else if (pick < 50) {
      e.kind = EventKind::makeup;
      e.makeup_day = local_day_number(e.at, program_.utc_offset_minutes) - 1 - rng_.below(7);
      e.pay = static_cast<MakeupPayment>(rng_.below(3));
    } else if (pick < 62) {
      e.kind = EventKind::like;
      e.article = "a" + std::to_string(rng_.below(12));
    } else if (pick < 72) {
      e.kind = EventKind::scan;
      e.code = (rng_.below(3) == 0 ? "XMAS-" : "C-") + std::to_string(rng_.below(40));
      if (rng_.below(10) == 0) e.code_used_by = "someone-else";
    } else if (pick < 80) {
      e.kind = EventKind::share;
      e.article = "a" + std::to_string(rng_.below(6));
    } else if (mall_ && pick >= 92) {
      mall_event(e);
    } else if (spokesperson_ && pick >= 86) {
      spokesperson_event(e);
    } else if (!program_.tasks.boxes.empty()) {
      e.kind = EventKind::draw;
      e.draw.box = program_.tasks.boxes[0].id;
      e.draw.seed = std::string(32, static_cast<char>(rng_.below(256)));
      for (const Prize& p : program_.tasks.boxes[0].prizes) {
        if (rng_.below(4) == 0) e.draw.stock[p.id] = rng_.below(2);
      }
      if (rng_.below(4) == 0) e.draw.red_packet_left = rng_.below(300);
    }
  }

  // A redemption of any item (now and then past the stock the server says is
  // left), or the cancellation of one made before (or of none).
  void mall_event(Event& e) {
    if (rng_.below(5) == 0) {
      e.kind = EventKind::tag;
      static const char* const kTags[] = {"vip", "wholesale", "staff"};
      (rng_.below(2) == 0 ? e.tags_add : e.tags_remove).push_back(kTags[rng_.below(3)]);
      return;
    }
    const std::vector<MallRedemption>& made = state_.tasks.mall;
    if (!made.empty() && rng_.below(3) == 0) {
      e.kind = EventKind::mall_cancel;
      e.redemption = rng_.below(8) == 0 ? "none" : made[static_cast<std::size_t>(rng_.below(static_cast<std::int64_t>(made.size())))].id;
      return;
    }
    e.kind = EventKind::mall_redeem;
    const std::vector<MallItem>& items = program_.mall.items;
    const MallItem& item = items[static_cast<std::size_t>(rng_.below(static_cast<std::int64_t>(items.size())))];
    e.item = item.id;
    e.quantity = 1 + rng_.below(3);
    if (rng_.below(4) == 0) e.mall_stock.left = rng_.below(3);
    if (rng_.below(4) == 0) e.mall_stock.left_today = rng_.below(3);
    e.cash_paid = item.cash * e.quantity;
  }

  // A friend's visit through a share (now and then the member's own, or one
  // without joining) or a friend's counted action reported to the member.
  void spokesperson_event(Event& e) {
    const std::vector<SpokespersonCampaign>& campaigns = program_.tasks.spokesperson;
    e.campaign = campaigns[static_cast<std::size_t>(rng_.below(static_cast<std::int64_t>(campaigns.size())))].id;
    e.other_member = rng_.below(10) == 0 ? state_.member_id : "friend-" + std::to_string(rng_.below(12));
    if (rng_.below(3) == 0) {
      e.kind = EventKind::spokesperson_visit;
      e.joined = rng_.below(4) != 0;
      return;
    }
    e.kind = EventKind::spokesperson_credit;
    e.friend_action = static_cast<FriendAction>(rng_.below(4));
  }

  // Applies one event and checks every invariant; records it for the replay.
  void step(const Event& e) {
    auto outcome = apply(program_, state_, e);
    events_.push_back(e);
    if (!outcome.ok()) {
      ASSERT_FALSE(outcome.errors().empty());
      return;  // refused: the state stays as it was
    }
    const Outcome& o = outcome.value();
    for (const Notice& n : o.notices) ++notice_counts[static_cast<std::size_t>(n.kind)];
    for (const LedgerEntry& entry : o.ledger) {
      ++ledger_counts[static_cast<std::size_t>(entry.kind)];
      sums_.available += entry.available;
      sums_.pending += entry.pending;
      sums_.debt += entry.debt;
      sums_.red_packet += entry.red_packet;
      sums_.box_chances += entry.box_chances;
      sums_.makeup_cards += entry.makeup_cards;
      if (!entry.coupon.empty()) {
        const bool taken = entry.kind == LedgerKind::coupon_expired || entry.kind == LedgerKind::mall_cancel;
        sums_.coupons += taken ? -1 : 1;
      }
      ASSERT_EQ(entry.event_id, e.id);
    }
    if (record_text_) ledger_text_ += std::to_string(o.ledger.size()) + outcome_json(program_, o);
    state_ = o.state;
    check_sums_and_invariants(e);
  }

  void check_sums_and_invariants(const Event& e) {
    ASSERT_EQ(sums_.available, state_.available_points()) << "after " << e.id;
    ASSERT_EQ(sums_.pending, state_.pending_points()) << "after " << e.id;
    ASSERT_EQ(sums_.debt, state_.debt) << "after " << e.id;
    const TaskState& t = state_.tasks;
    ASSERT_EQ(sums_.red_packet, t.red_packet) << "after " << e.id;
    ASSERT_EQ(sums_.box_chances, t.box_chances) << "after " << e.id;
    ASSERT_EQ(sums_.makeup_cards, t.makeup_cards) << "after " << e.id;
    ASSERT_EQ(sums_.coupons, static_cast<std::int64_t>(t.coupons.size())) << "after " << e.id;
    const Errors broken = loyalty::check_invariants(program_, state_);
    ASSERT_TRUE(broken.empty()) << broken[0].code << " at " << broken[0].path << " after " << e.id;
  }

  void check_snapshot_round_trips() {
    const std::string text = state_json(program_, state_);
    auto back = member_state_from_json(program_, Json::parse(text), "state");
    ASSERT_TRUE(back.ok()) << text;
    ASSERT_EQ(state_json(program_, back.value()), text) << "the snapshot does not round-trip";
  }

  void check_retry_changes_nothing() {
    if (events_.empty()) return;
    const std::string before = state_json(program_, state_);
    auto again = apply(program_, state_, events_.back());
    if (!again.ok()) {
      // A refused event stays refused, or (time went on) is out of order now.
      return;
    }
    if (std::find(state_.recent_events.begin(), state_.recent_events.end(), events_.back().id) != state_.recent_events.end()) {
      ASSERT_TRUE(again.value().duplicate);
      ASSERT_TRUE(again.value().ledger.empty());
      ASSERT_EQ(state_json(program_, again.value().state), before);
    }
  }

  std::string replay_text() const {
    MemberState s = initial_;
    std::string text;
    for (const Event& e : events_) {
      auto o = apply(program_, s, e);
      if (!o.ok()) continue;
      text += std::to_string(o.value().ledger.size()) + outcome_json(program_, o.value());
      s = o.value().state;
    }
    return text;
  }

  void start(bool record_text) {
    initial_ = state_;
    record_text_ = record_text;
  }
  const std::string& ledger_text() const { return ledger_text_; }
  const MemberState& state() const { return state_; }
  // Makes the next events follow `state` (kept by the caller) rather than this sequence's own.
  void follow(const MemberState& state) { state_ = state; }
  TimeMs now() const { return now_; }

 private:
  const Program& program_;
  bool mall_;
  bool spokesperson_;
  SplitMix64 rng_;
  MemberState state_;
  MemberState initial_;
  TimeMs now_ = 0;
  int count_ = 0;
  Sums sums_;
  std::vector<Event> events_;
  std::string ledger_text_;
  bool record_text_ = false;
};

}  // namespace loyalty::testing
