// What a member's tasks and games remember: the check-in cycle, today's
// counters, rewarded articles and scanned codes, referrals, task progress,
// the non-point balances rewards add to (red packets, coupons, box
// chances, make-up cards), the points mall's redemptions and spokesperson
// campaigns on both sides.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "loyalty/local_time.hpp"
#include "loyalty/mall.hpp"
#include "loyalty/spokesperson.hpp"
#include "loyalty/text_set.hpp"

namespace loyalty {

struct CheckinCycle {
  std::int64_t start = 0;              // local day the cycle began
  std::vector<std::int64_t> days;      // local days checked in, ascending
  std::vector<std::int64_t> made_up;   // those of them filled by a make-up
  std::int64_t streak_before = 0;      // consecutive days that ended the day before `start`
};

// Counters of one local day; a new day starts them at zero.
struct TaskDay {
  std::int64_t day = -1;
  std::int64_t likes = 0;
  std::int64_t scans = 0;
  std::int64_t task_points = 0;
  std::int64_t free_draws = 0;
};

struct HeldCoupon {
  std::string coupon;
  std::string event_id;
  TimeMs granted_at = 0;
  TimeMs expires_at = 0;
};

struct Invitee {
  std::string member_id;
  bool rewarded = false;
};

struct TaskProgress {
  std::string task;
  std::int64_t period = 0;  // the repeat period's first local day
  std::int64_t count = 0;
  bool done = false;
  std::vector<std::string> items;  // articles already counted (share, like)
};

// A field added here is one StateUndo (core/src/state_undo.hpp) must put
// back when an event is refused.
struct TaskState {
  std::optional<CheckinCycle> checkin;
  std::int64_t checkins = 0;  // ever
  TaskDay today;
  TextSet liked;    // articles rewarded
  TextSet scanned;  // codes this member used
  std::optional<std::string> invited_by;
  bool invitee_rewarded = false;
  std::vector<Invitee> invitees;
  std::int64_t referrals_rewarded = 0;
  std::vector<TaskProgress> progress;
  std::int64_t draws = 0;  // boxes opened ever: the next draw's nonce
  std::int64_t red_packet = 0;
  std::vector<HeldCoupon> coupons;
  std::int64_t box_chances = 0;
  std::int64_t makeup_cards = 0;
  std::vector<MallRedemption> mall;  // in the order they were made
  SpokespersonState spokesperson;

  bool empty() const {
    return !checkin && checkins == 0 && today.day < 0 && liked.empty() && scanned.empty() && !invited_by &&
           invitees.empty() && progress.empty() && draws == 0 && red_packet == 0 && coupons.empty() &&
           box_chances == 0 && makeup_cards == 0 && mall.empty() && spokesperson.empty();
  }
};

}  // namespace loyalty
