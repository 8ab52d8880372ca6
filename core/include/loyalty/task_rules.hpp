// The programme's tasks and games: daily check-in, likes, scans, referrals,
// limited-time tasks, treasure boxes and spokesperson campaigns. Each part
// is optional; a programme without it refuses its events
// ("checkin.not_offered", ...).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "loyalty/localized_text.hpp"
#include "loyalty/reward.hpp"
#include "loyalty/spokesperson.hpp"

namespace loyalty {

// What a missed day does to the check-in cycle (the cycle is `cycle_days` long).
enum class MissPolicy {
  reset_cycle,    // the cycle is a streak: a missed day ends it at the next check-in
  reset_streak,   // the cycle spans cycle_days calendar days; a miss restarts the count of consecutive days
  keep_position,  // the cycle is cycle_days check-ins, consecutive or not
};

// What a make-up (补签) gives besides filling the day.
enum class MakeupPays {
  streak,      // only the day and the streak it restores (programmes written before this choice)
  day_reward,  // also the reward of the position the filled day adds to the cycle
};

struct Makeup {
  std::int64_t per_cycle = 1;     // make-ups allowed in one cycle
  std::int64_t cost_points = 0;   // 0: only make-up cards pay
  MakeupPays pays = MakeupPays::streak;
};

struct CheckinRules {
  std::int64_t cycle_days = 7;
  MissPolicy on_miss = MissPolicy::reset_cycle;
  std::vector<std::optional<Reward>> by_day;  // [position - 1]; empty: default_reward
  Reward default_reward;
  std::optional<Makeup> makeup;
};

struct LikeRules {
  Reward reward;
  std::int64_t daily_cap = 0;  // rewarded likes per local day; 0: no cap
};

// Codes of one printed batch, named by their prefix, carry their own reward.
struct ScanBatch {
  std::string prefix;
  Reward reward;
};

struct ScanRules {
  Reward reward;
  std::int64_t daily_cap = 0;
  std::vector<ScanBatch> batches;  // the longest matching prefix wins
};

enum class ReferralTrigger { join, first_order };

struct ReferralRules {
  Reward inviter_reward;
  Reward invitee_reward;
  std::int64_t max_rewarded = 0;  // invitations that pay the inviter; 0: no cap
  ReferralTrigger reward_on = ReferralTrigger::join;
};

enum class TaskAction { checkin, like, scan, share, order };
enum class TaskRepeat { none, day, week, month };

// "Share 3 articles this week": counted actions between two local dates.
struct LimitedTask {
  std::string id;
  LocalizedText name;
  TaskAction action = TaskAction::share;
  std::int64_t from_day = 0;  // local day numbers, inclusive
  std::int64_t to_day = 0;
  TaskRepeat repeat = TaskRepeat::none;
  std::int64_t target = 1;
  Reward reward;
  std::vector<std::size_t> segments;  // counts only for members in one of these; empty: everyone
};

// The first and last local day of the repeat period of `task` that holds `day`
// (periods are clipped to the task's window at the end).
std::int64_t period_start(const LimitedTask& task, std::int64_t day);
std::int64_t period_end(const LimitedTask& task, std::int64_t period);

struct Prize {
  std::string id;
  LocalizedText name;
  std::int64_t weight = 0;
  Reward reward;
  std::optional<std::int64_t> stock;  // in total; the server tracks what is left
};

// What one draw costs once the day's free draws are used.
struct DrawCost {
  std::int64_t points = 0;
  std::int64_t chances = 0;
};

struct DailyBudget {
  std::int64_t points = 0;      // 0: no limit
  std::int64_t red_packet = 0;  // minor units; 0: no limit
};

struct Box {
  std::string id;
  LocalizedText name;
  DrawCost cost;
  std::int64_t free_per_day = 0;
  std::vector<Prize> prizes;
  std::optional<std::size_t> fallback;  // prize given when the drawn one is out; absent: draw again among those left
  DailyBudget daily_budget;
  std::int64_t total_weight = 0;
  std::vector<std::size_t> segments;  // opened only by members in one of these; empty: everyone
};

struct TaskRules {
  std::int64_t daily_points_cap = 0;  // task points per member per local day, boxes aside; 0: no cap
  std::optional<CheckinRules> checkin;
  std::optional<LikeRules> likes;
  std::optional<ScanRules> scans;
  std::optional<ReferralRules> referral;
  std::vector<LimitedTask> limited;
  std::vector<Box> boxes;
  std::vector<SpokespersonCampaign> spokesperson;

  const Box* box(const std::string& id) const;
  const SpokespersonCampaign* campaign(const std::string& id) const;
  bool any() const {
    return daily_points_cap > 0 || checkin || likes || scans || referral || !limited.empty() || !boxes.empty() ||
           !spokesperson.empty();
  }
};

inline constexpr std::size_t kMaxCheckinCycle = 31;
inline constexpr std::size_t kMaxLimitedTasks = 100;
inline constexpr std::size_t kMaxBoxes = 20;
inline constexpr std::size_t kMaxPrizes = 100;
// One call's draws: 100,000 cost about 0.6 s in WASM; more are simulated in
// pages with from_nonce, so no single call freezes a page or a server thread.
inline constexpr std::int64_t kMaxSimulatedDraws = 100000;
inline constexpr std::size_t kMaxDigestInput = 1024 * 1024;  // bytes
inline constexpr std::int64_t kMaxPrizeWeight = 1000000000;  // 10^9: a box's total stays far below 2^63

}  // namespace loyalty
