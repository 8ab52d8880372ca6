// What apply() answers: the new state, the ledger entries the event caused
// and notices for the member ("you are Gold now").
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "loyalty/member_state.hpp"

namespace loyalty {

enum class LedgerKind {
  earn,           // order points: pending or, without a return window, available
  vest,           // pending -> available
  expire,         // available points that reached their expiry
  checkout,       // points spent on an order
  redeem,         // points spent on a reward
  clawback,       // points of refunded lines taken back
  debt,           // a clawback the balance could not cover
  debt_settled,   // newly available points paying the debt
  returned,       // checkout points given back by a refund
  birthday_gift,
  checkin,          // a check-in's reward
  makeup,           // a make-up check-in's cost (points or a card)
  like,
  scan,
  referral,
  task,             // a limited-time task completed
  box_cost,         // points or a chance spent on a draw
  box_prize,
  coupon_expired,
  mall_redeem,      // points spent on a mall item, and what it gives
  mall_cancel,      // a cancelled mall redemption: its points back, what it gave taken back
  tag_added,        // the operator tagged the member (subject: the tag)
  tag_removed,
  spokesperson,     // a spokesperson campaign's reward (subject: the campaign; prize: the friend or the milestone)
  adjust,           // customer service's adjustment of points or growth (subject: the reason)
};
// The last kind above: readers of stored rows look a kind's name up over all of them.
inline constexpr LedgerKind kLastLedgerKind = LedgerKind::adjust;

// One row of the append-only ledger. Per column, the sum of a member's rows
// equals the state: available = spendable lots, pending = pending lots,
// debt = debt, and so on for red packets, box chances and make-up cards;
// coupons are granted, and expire or are taken back (mall_cancel), by id. Growth is lifetime growth earned
// by tasks (orders record theirs with the order).
struct LedgerEntry {
  LedgerEntry() = default;
  // Views, copied once into the row (emplaced, a row is built where it stays).
  LedgerEntry(std::string_view event_id_, TimeMs at_, LedgerKind kind_, std::int64_t available_ = 0,
              std::int64_t pending_ = 0, std::int64_t debt_ = 0, std::string_view lot_ = {},
              std::string_view order_id_ = {}, std::string_view reward_id_ = {})
      : event_id(event_id_), at(at_), kind(kind_), available(available_), pending(pending_), debt(debt_),
        lot(lot_), order_id(order_id_), reward_id(reward_id_) {}

  std::string event_id;
  TimeMs at = 0;  // when it took effect (a lot expires at its expiry, whichever event notices)
  LedgerKind kind = LedgerKind::earn;
  std::int64_t available = 0;
  std::int64_t pending = 0;
  std::int64_t debt = 0;
  std::string lot;
  std::string order_id;
  std::string reward_id;
  // Task rewards and costs; zero or empty when the row is about points only.
  std::int64_t growth = 0;
  std::int64_t red_packet = 0;
  std::int64_t box_chances = 0;
  std::int64_t makeup_cards = 0;
  std::string coupon;
  std::string subject;  // the article, code, member, task or box the row is about
  std::string prize;
};

enum class NoticeKind {
  tier_upgraded,
  tier_downgraded,
  downgrade_scheduled,
  downgrade_cancelled,
  paid_started,
  paid_renewed,
  paid_expired,
  points_capped,
  checked_in,          // position in the cycle and the streak now
  streak_restored,     // a make-up joined the streak again
  task_completed,      // subject: the task
  box_opened,          // subject: the box; prize; nonce
  referral_qualified,  // subject: the inviter, whose reward now falls due
  referral_capped,     // subject: the invitee; the inviter's rewarded invitations are used up
  points_lapsing,      // until: when every point lapses without activity; points: those held now
  points_lapsed,       // points: what lapsed for want of activity
  spokesperson_friend,  // subject: the spokesperson to tell; prize: the campaign; action: what this member did
  spokesperson_capped,  // subject: the friend not counted; prize: the campaign (its daily or total cap is reached)
};

struct Notice {
  Notice(NoticeKind kind_ = NoticeKind::tier_upgraded, TimeMs at_ = 0, std::optional<std::size_t> from_ = {},
                  std::optional<std::size_t> to_ = {}, std::optional<TimeMs> until_ = {},
                  std::optional<std::int64_t> points_ = {})
      : kind(kind_), at(at_), from_tier(from_), to_tier(to_), until(until_), points(points_) {}

  NoticeKind kind = NoticeKind::tier_upgraded;
  TimeMs at = 0;
  std::optional<std::size_t> from_tier;
  std::optional<std::size_t> to_tier;
  std::optional<TimeMs> until;          // downgrade_scheduled: grace end; paid: expiry; points_lapsing: the lapse
  std::optional<std::int64_t> points;   // points_capped: points cut; points_lapsing, points_lapsed
  std::optional<std::int64_t> position; // checked_in: day of the cycle
  std::optional<std::int64_t> streak;
  std::optional<std::int64_t> nonce;
  std::string subject;
  std::string prize;
  std::optional<FriendAction> action;  // spokesperson_friend
};

// What an event did beside changing the state: apply_in_place() answers it.
struct Applied {
  std::vector<LedgerEntry> ledger;
  std::vector<Notice> notices;
  bool duplicate = false;  // the event id was applied before; nothing changed
};

struct Outcome {
  MemberState state;
  std::vector<LedgerEntry> ledger;
  std::vector<Notice> notices;
  bool duplicate = false;  // the event id was applied before; nothing changed
};

}  // namespace loyalty
