// The daily check-in cycle (签到): which day of the cycle a check-in is,
// the streak, make-up check-ins (补签) and the calendar a member sees. Days
// are local day numbers in the programme's time zone; a state keeps the
// dates it saw, so a change of the programme's UTC offset moves no past
// check-in to another date.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "loyalty/error.hpp"
#include "loyalty/task_rules.hpp"
#include "loyalty/task_state.hpp"

namespace loyalty {

struct CheckinStep {
  CheckinCycle cycle;
  std::int64_t position = 0;  // the day of the cycle a check-in counts as (its reward's day)
  std::int64_t streak = 0;    // consecutive days, across cycles
  // A make-up's: the position whose reward it pays when the programme's
  // make-ups pay the day. The filled day's own position; in a cycle kept
  // by position (each check-in counts as the next) the position the cycle
  // gains, so that no position is paid twice.
  std::int64_t reward_position = 0;
  bool joined = false;  // check_in_place's: the day joined the cycle where it stands (`cycle` left empty)
};

const Reward& reward_for_position(const CheckinRules& rules, std::int64_t position);

// Checking in on local day `day`. Error: "checkin.already_today".
Result<CheckinStep> check_in(const CheckinRules& rules, const std::optional<CheckinCycle>& cycle, std::int64_t day);
// The same step for apply, into `step` (no Result to move it through): a
// day that joins the cycle is added to `cycle` where it stands (no copy of
// its days); a new cycle is the step's, as above.
std::optional<Error> check_in_place(const CheckinRules& rules, std::optional<CheckinCycle>& cycle, std::int64_t day,
                                    CheckinStep& step);

// Filling the missed day `missed` of the current cycle on `today`; the cost
// is the caller's. Errors: "makeup.not_past", "makeup.already_checked_in",
// "makeup.not_in_cycle", "makeup.limit_reached".
Result<CheckinStep> make_up(const CheckinRules& rules, const Makeup& makeup, const std::optional<CheckinCycle>& cycle,
                            std::int64_t missed, std::int64_t today);

// Consecutive check-in days that end today or yesterday; 0 otherwise.
std::int64_t current_streak(const std::optional<CheckinCycle>& cycle, std::int64_t today);

enum class CalendarStatus { done, made_up, today, fillable, missed, upcoming };

struct CalendarDay {
  std::int64_t position = 0;
  std::optional<std::int64_t> day;  // absent for keep_position days not yet checked in
  CalendarStatus status = CalendarStatus::upcoming;
};

struct CheckinOffer {
  std::int64_t position = 0;
  std::int64_t streak = 0;
};

// What filling a missed day now would count as.
struct MakeupOffer {
  std::int64_t day = 0;
  std::int64_t reward_position = 0;  // CheckinStep::reward_position
};

struct CheckinCalendar {
  std::int64_t today = 0;
  std::int64_t cycle_start = 0;  // a cycle that a check-in today would start, when none is running
  std::vector<CalendarDay> days;
  std::int64_t streak = 0;
  bool checked_in_today = false;
  std::optional<CheckinOffer> today_offer;  // what checking in now counts as; absent once done
  CheckinOffer tomorrow;                    // after checking in today, if not yet done
  std::vector<std::int64_t> fillable;       // days a make-up may fill now
  std::vector<MakeupOffer> makeup_offers;   // one per fillable day
  std::int64_t makeups_left = 0;
};

CheckinCalendar checkin_calendar(const CheckinRules& rules, const std::optional<CheckinCycle>& cycle,
                                 std::int64_t today);

}  // namespace loyalty
