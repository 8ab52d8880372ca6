#include "loyalty/checkin.hpp"

#include <algorithm>

namespace loyalty {

namespace {

// A check-in's day mostly comes after every day held: no search then.
bool contains(const std::vector<std::int64_t>& days, std::int64_t day) {
  return !days.empty() && day <= days.back() && std::binary_search(days.begin(), days.end(), day);
}

void insert_sorted(std::vector<std::int64_t>& days, std::int64_t day) {
  if (days.empty() || day > days.back()) days.push_back(day);
  else days.insert(std::upper_bound(days.begin(), days.end(), day), day);
}

// Consecutive checked days of the cycle that end at `day`: the days are
// sorted and unique, so the run is the days just before it that step by one.
std::int64_t run_ending(const CheckinCycle& c, std::int64_t day) {
  auto it = !c.days.empty() && c.days.back() == day ? c.days.end() - 1
                                                     : std::lower_bound(c.days.begin(), c.days.end(), day);
  // Days sorted and unique: when the first is as many days back as places,
  // every day between is there (a cycle checked in day after day).
  const std::int64_t place = it - c.days.begin();
  if (it != c.days.end() && *it == day && c.days.front() == day - place) return place + 1;
  std::int64_t run = 0;
  while (it != c.days.end() && *it == day - run) {
    ++run;
    if (it == c.days.begin()) break;
    --it;
  }
  return run;
}

// The streak through `day`, whose run in the cycle is `run`: a run from the
// cycle's first day continues the streak before it.
std::int64_t streak_of_run(const CheckinCycle& c, std::int64_t day, std::int64_t run) {
  return run + (day - run + 1 == c.start ? c.streak_before : 0);
}

std::int64_t streak_through(const CheckinCycle& c, std::int64_t day) { return streak_of_run(c, day, run_ending(c, day)); }

// Whether a check-in on `day` can no longer join the cycle.
bool over(const CheckinRules& rules, const CheckinCycle& c, std::int64_t day) {
  const auto n = static_cast<std::int64_t>(c.days.size());
  if (n >= rules.cycle_days) return true;
  switch (rules.on_miss) {
    case MissPolicy::reset_cycle: return day - c.start >= rules.cycle_days || n < day - c.start;
    case MissPolicy::reset_streak: return day - c.start >= rules.cycle_days;
    case MissPolicy::keep_position: return false;
  }
  return true;
}

std::int64_t position_of(const CheckinRules& rules, const CheckinCycle& c, std::int64_t day) {
  if (rules.on_miss == MissPolicy::keep_position) {
    return static_cast<std::int64_t>(std::lower_bound(c.days.begin(), c.days.end(), day) - c.days.begin()) + 1;
  }
  return run_ending(c, day);
}

// The oldest day a make-up can still fill: one cycle's length back. A cycle
// kept by position may have started long ago; its old misses stay missed.
std::int64_t oldest_fillable(const CheckinRules& rules, const CheckinCycle& c, std::int64_t today) {
  return std::max(c.start + 1, today - rules.cycle_days);
}

bool fillable(const CheckinRules& rules, const CheckinCycle& c, std::int64_t day, std::int64_t today) {
  if (day >= today || day < oldest_fillable(rules, c, today) || contains(c.days, day)) return false;
  if (static_cast<std::int64_t>(c.days.size()) >= rules.cycle_days) return false;
  return rules.on_miss == MissPolicy::keep_position || day - c.start < rules.cycle_days;
}

}  // namespace

const Reward& reward_for_position(const CheckinRules& rules, std::int64_t position) {
  const auto i = static_cast<std::size_t>(position - 1);
  if (position >= 1 && i < rules.by_day.size() && rules.by_day[i]) return *rules.by_day[i];
  return rules.default_reward;
}

Result<CheckinStep> check_in(const CheckinRules& rules, const std::optional<CheckinCycle>& cycle, std::int64_t day) {
  if (cycle && contains(cycle->days, day)) {
    return Error{"checkin.already_today", "already checked in today", "event"};
  }
  CheckinStep step;
  if (!cycle || over(rules, *cycle, day)) {
    step.cycle.start = day;
    // Room for the cycle's days at once: it gains one a check-in, and grown
    // 1, 2, 4, 8 it cost a 7-day cycle ~100 instructions a check-in.
    step.cycle.days.reserve(static_cast<std::size_t>(std::min<std::int64_t>(rules.cycle_days, 32)));
    step.cycle.days.push_back(day);
    step.cycle.streak_before = cycle && contains(cycle->days, day - 1) ? streak_through(*cycle, day - 1) : 0;
  } else {
    step.cycle.days.reserve(cycle->days.size() + 1);  // room for the day it gains: one allocation
    step.cycle = *cycle;  // member by member, the days into that room
    insert_sorted(step.cycle.days, day);
  }
  step.position = position_of(rules, step.cycle, day);
  step.streak = streak_through(step.cycle, day);
  return step;
}

std::optional<Error> check_in_place(const CheckinRules& rules, std::optional<CheckinCycle>& cycle, std::int64_t day,
                                    CheckinStep& step) {
  if (!cycle || contains(cycle->days, day) || over(rules, *cycle, day)) {
    Result<CheckinStep> checked = check_in(rules, cycle, day);
    if (!checked.ok()) return checked.errors().front();
    step = std::move(checked).value();
    return std::nullopt;
  }
  insert_sorted(cycle->days, day);
  step.joined = true;
  const std::int64_t run = run_ending(*cycle, day);
  step.position = rules.on_miss == MissPolicy::keep_position ? position_of(rules, *cycle, day) : run;
  step.streak = streak_of_run(*cycle, day, run);
  return std::nullopt;
}

Result<CheckinStep> make_up(const CheckinRules& rules, const Makeup& makeup, const std::optional<CheckinCycle>& cycle,
                            std::int64_t missed, std::int64_t today) {
  if (missed >= today) return Error{"makeup.not_past", "only a past day can be made up; check in for today", "event.day"};
  if (cycle && contains(cycle->days, missed)) {
    return Error{"makeup.already_checked_in", "that day is checked in already", "event.day"};
  }
  if (!cycle || !fillable(rules, *cycle, missed, today)) {
    return Error{"makeup.not_in_cycle", "only a missed day of the current check-in cycle, one cycle length back at most, can be made up", "event.day"};
  }
  if (static_cast<std::int64_t>(cycle->made_up.size()) >= makeup.per_cycle) {
    return Error{"makeup.limit_reached", "this cycle's make-ups are used: " + std::to_string(makeup.per_cycle),
                 "event.day"};
  }
  CheckinStep step;
  step.cycle = *cycle;
  insert_sorted(step.cycle.days, missed);
  insert_sorted(step.cycle.made_up, missed);
  step.position = position_of(rules, step.cycle, missed);
  step.streak = current_streak(step.cycle, today);
  step.reward_position = rules.on_miss == MissPolicy::keep_position ? static_cast<std::int64_t>(step.cycle.days.size())
                                                                     : step.position;
  return step;
}

std::int64_t current_streak(const std::optional<CheckinCycle>& cycle, std::int64_t today) {
  if (!cycle) return 0;
  if (contains(cycle->days, today)) return streak_through(*cycle, today);
  if (contains(cycle->days, today - 1)) return streak_through(*cycle, today - 1);
  return 0;
}

CheckinCalendar checkin_calendar(const CheckinRules& rules, const std::optional<CheckinCycle>& cycle,
                                 std::int64_t today) {
  CheckinCalendar cal;
  cal.today = today;
  cal.streak = current_streak(cycle, today);
  cal.checked_in_today = cycle && contains(cycle->days, today);
  const std::int64_t makeups_allowed = rules.makeup ? rules.makeup->per_cycle : 0;

  // The cycle to show: the running one while it can still take today or a
  // make-up; otherwise the one a check-in today would start.
  std::vector<std::int64_t> can_fill;
  if (cycle && rules.makeup && static_cast<std::int64_t>(cycle->made_up.size()) < makeups_allowed) {
    for (std::int64_t d = oldest_fillable(rules, *cycle, today); d < today; ++d) {
      if (fillable(rules, *cycle, d, today)) can_fill.push_back(d);
    }
  }
  const bool running = cycle && (cal.checked_in_today || !over(rules, *cycle, today) || !can_fill.empty());
  CheckinCycle shown = running ? *cycle : CheckinCycle{today, {}, {}, 0};
  cal.cycle_start = shown.start;
  cal.fillable = can_fill;
  for (std::int64_t d : can_fill) {
    cal.makeup_offers.push_back({d, make_up(rules, *rules.makeup, cycle, d, today).value().reward_position});
  }
  cal.makeups_left = running ? std::max<std::int64_t>(0, makeups_allowed - static_cast<std::int64_t>(shown.made_up.size()))
                             : makeups_allowed;

  for (std::int64_t k = 1; k <= rules.cycle_days; ++k) {
    CalendarDay day;
    day.position = k;
    if (rules.on_miss == MissPolicy::keep_position) {
      const auto done = static_cast<std::int64_t>(shown.days.size());
      if (k <= done) day.day = shown.days[static_cast<std::size_t>(k - 1)];
      else if (k == done + 1 && !cal.checked_in_today) day.day = today;
    } else {
      day.day = shown.start + k - 1;
    }
    if (!day.day) day.status = CalendarStatus::upcoming;
    else if (contains(shown.made_up, *day.day)) day.status = CalendarStatus::made_up;
    else if (contains(shown.days, *day.day)) day.status = CalendarStatus::done;
    else if (*day.day == today) day.status = CalendarStatus::today;
    else if (*day.day > today) day.status = CalendarStatus::upcoming;
    else if (std::binary_search(can_fill.begin(), can_fill.end(), *day.day)) day.status = CalendarStatus::fillable;
    else day.status = CalendarStatus::missed;
    cal.days.push_back(day);
  }

  std::optional<CheckinCycle> after_today = cycle;
  if (!cal.checked_in_today) {
    auto step = check_in(rules, cycle, today);
    cal.today_offer = CheckinOffer{step.value().position, step.value().streak};
    after_today = step.value().cycle;
  }
  auto next = check_in(rules, after_today, today + 1);
  cal.tomorrow = {next.value().position, next.value().streak};
  return cal;
}

}  // namespace loyalty
