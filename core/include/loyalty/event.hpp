// Events: every change of a member's state is one of these, applied by
// apply() (apply.hpp). Each carries a unique id and the time it happened.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "loyalty/cart.hpp"
#include "loyalty/local_time.hpp"
#include "loyalty/mall.hpp"
#include "loyalty/spokesperson.hpp"

namespace loyalty {

enum class EventKind {
  order,            // a paid order: earns points (pending first) and growth
  refund,           // some or all lines of an earlier order come back
  redeem,           // points for a reward
  birthday,         // the member's birthday: the tier's gift, once a year
  paid_membership,  // buys or renews the paid tier
  time_passes,      // nothing but time: vesting, expiry, tier evaluation
  checkin,          // today's check-in
  makeup,           // a make-up check-in for a missed day of the cycle
  like,             // a like of an article
  share,            // a share of an article (counts toward limited-time tasks)
  scan,             // a one-time product code
  referred,         // the member joined through an inviter
  referral,         // someone the member invited joined, or placed a first order
  draw,             // opening a treasure box
  mall_redeem,      // points (and cash paid at the merchant) for an item of the points mall
  mall_cancel,      // the merchant cancels a mall redemption: points and stock come back
  tag,              // the operator adds or removes tags (标签) of the member
  spokesperson_visit,   // the member opened a spokesperson's share (or joined through it)
  spokesperson_credit,  // a friend the member's share brought did a counted action
  adjust,               // customer service adds or takes points or growth, with a reason
};

enum class MakeupPayment { any, card, points };
enum class ReferralStage { joined, first_order };

// What the server knows about a draw and a client cannot claim: the seed it
// committed to, and what is left of each prize and of today's budget.
struct DrawInput {
  std::string box;
  std::string seed;  // raw bytes (given as hex)
  std::map<std::string, std::int64_t, std::less<>> stock;  // prize -> left; absent: unlimited
  std::optional<std::int64_t> points_left;                 // of the box's daily budget
  std::optional<std::int64_t> red_packet_left;
};

struct RefundLine {
  std::size_t line = 0;  // index into the order's lines
  std::int64_t quantity = 0;
};

struct Event {
  std::string id;
  TimeMs at = 0;
  EventKind kind = EventKind::time_passes;
  // order / refund
  std::string order_id;
  Cart cart;                         // order
  std::int64_t redeem_points = 0;    // order: points spent at checkout
  std::vector<RefundLine> refund_lines;  // refund: empty means all that is left
  // redeem
  std::int64_t points = 0;
  std::string reward_id;
  // check-in tasks
  std::int64_t makeup_day = 0;  // local day number
  MakeupPayment pay = MakeupPayment::any;
  std::string article;       // like, share
  std::string code;          // scan
  std::string code_used_by;  // scan: the member the server saw use the code first, if any
  std::string other_member;  // referred: the inviter; referral: the invitee; spokesperson_*: the other side
  ReferralStage stage = ReferralStage::joined;
  DrawInput draw;
  // mall_redeem: the item, how many, the stock the server saw and the cash
  // the merchant took; mall_cancel: the redemption (its event id)
  std::string item;
  std::int64_t quantity = 1;
  MallStock mall_stock;
  std::optional<std::int64_t> cash_paid;
  std::string redemption;
  // spokesperson_visit (joined: through the share) and spokesperson_credit (the friend's action)
  std::string campaign;
  bool joined = false;
  FriendAction friend_action = FriendAction::visit;
  // tag
  std::vector<std::string> tags_add;
  std::vector<std::string> tags_remove;
  // adjust: points (in `points`) and growth, either may be negative, and why
  std::int64_t growth = 0;
  std::string reason;
};

}  // namespace loyalty
