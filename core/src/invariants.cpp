#include "loyalty/invariants.hpp"

#include <string>

#include "loyalty/tier.hpp"

namespace loyalty {

namespace {

std::string at(const std::string& list, std::size_t i, const char* field) {
  return list + "[" + std::to_string(i) + "]." + field;
}

}  // namespace

Errors check_invariants(const Program& program, const MemberState& s) {
  Errors errors;
  const auto broken = [&](const char* code, std::string message, std::string path) {
    errors.push_back({std::string("invariant.") + code, std::move(message), std::move(path)});
  };
  std::size_t i = 0;  // the lot's place in the snapshot
  for (const Lot& lot : s.lots) {
    if (lot.points <= 0) broken("empty_lot", "a lot holds no points", at("lots", i, "points"));
    if (lot.vests_at && *lot.vests_at <= s.clock) broken("not_vested", "a lot due to vest is still pending", at("lots", i, "vests_at"));
    if (lot.expires_at && *lot.expires_at <= s.clock) broken("not_expired", "a lot due to expire is still held", at("lots", i, "expires_at"));
    ++i;
  }
  if (s.debt < 0) broken("negative_balance", "debt is negative", "debt");
  if (s.debt > 0 && s.available_points() > 0) broken("debt_beside_points", "debt stands beside spendable points", "debt");

  const TaskState& t = s.tasks;
  for (auto [value, path] : {std::pair{t.box_chances, "tasks.box_chances"}, {t.makeup_cards, "tasks.makeup_cards"},
                             {t.red_packet, "tasks.red_packet"}}) {
    if (value < 0) broken("negative_balance", "a balance is negative", path);
  }
  for (std::size_t i = 0; i < t.coupons.size(); ++i) {
    if (t.coupons[i].expires_at <= s.clock) broken("not_expired", "a coupon due to expire is still held", at("tasks.coupons", i, "expires_at"));
  }
  for (std::size_t i = 0; i < t.mall.size(); ++i) {
    std::int64_t spent = 0;
    for (const RedeemedPart& p : t.mall[i].parts) spent += p.points;
    if (spent != t.mall[i].points) broken("mall_parts", "a redemption's parts do not add up to its points", at("tasks.mall", i, "parts"));
  }
  const TaskRules& rules = program.tasks;
  const auto within = [&](std::int64_t count, std::int64_t cap, const char* path) {
    if (cap > 0 && count > cap) broken("over_cap", "above the programme's daily cap of " + std::to_string(cap), path);
  };
  within(t.today.task_points, rules.daily_points_cap, "tasks.today.task_points");
  if (rules.likes) within(t.today.likes, rules.likes->daily_cap, "tasks.today.likes");
  if (rules.scans) within(t.today.scans, rules.scans->daily_cap, "tasks.today.scans");
  if (t.checkin && rules.checkin && static_cast<std::int64_t>(t.checkin->days.size()) > rules.checkin->cycle_days) {
    broken("over_cap", "more check-in days than the cycle has", "tasks.checkin.days");
  }
  for (const EarnCap& cap : program.caps) {
    const bool daily = cap.period == CapPeriod::day;
    if ((daily ? s.cap_day : s.cap_month).used > cap.points) {
      broken("over_cap", "more points earned than the cap allows", daily ? "cap_day.used" : "cap_month.used");
    }
  }
  if (s.tier) {
    const MetricTotals totals = window_totals(program, s, local_day_number(s.clock, program.utc_offset_minutes));
    if (*s.tier < qualified_tier(program, totals)) broken("tier_below_metrics", "the metrics reach a higher tier", "tier");
  }
  return errors;
}

}  // namespace loyalty
