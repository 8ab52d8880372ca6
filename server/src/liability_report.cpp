#include "liability_report.hpp"

#include <map>

#include "loyalty/apply.hpp"
#include "loyalty/local_time.hpp"
#include "loyalty/queries.hpp"
#include "loyalty/tier.hpp"
#include "points_worth.hpp"
#include "stored_state.hpp"

namespace loyalty::server {

namespace {

struct Stopped {};

struct Share {
  std::int64_t members = 0;
  std::int64_t outstanding = 0;
};


Json shares_json(const Program& program, const std::map<std::string, Share>& shares) {
  Json out = Json::object();
  for (const auto& [name, share] : shares) {
    out[name] = {{"members", share.members},
                 {"outstanding_points", share.outstanding},
                 {"liability_minor", points_worth_minor(program, share.outstanding)}};
  }
  return out;
}

}  // namespace

Json liability_report(const Program& program, Store& store, TimeMs now, Progress* progress) {
  std::int64_t members = 0, with_points = 0, unreadable = 0;
  std::int64_t available = 0, pending = 0, debt = 0, never_expiring = 0;
  std::map<std::string, std::int64_t> expiring;  // "2027-01" -> points
  std::map<std::string, Share> by_tier, by_stage, by_variant;
  for (const Tier& tier : program.tiers) by_tier[tier.id];
  if (program.experiment) {
    for (const ExperimentVariant& v : program.experiment->variants) by_variant[v.id];
  }
  const auto visit = [&](const MemberRow& row, const LedgerSums&) {
    if (progress && Progress::stop_asked()) throw Stopped{};
    if (progress) progress->step();
    ++members;
    auto stored = read_stored_state(program, row.state);
    auto state = stored.ok() ? state_at(program, stored.value(), std::max(now, stored.value().clock))
                             : Result<MemberState>(stored.errors());
    if (!state.ok()) {
      ++unreadable;  // `loyalty audit` names them
      return;
    }
    const MemberState& s = state.value();
    const std::int64_t member_available = s.available_points(), member_pending = s.pending_points();
    const std::int64_t outstanding = member_available + member_pending - s.debt;
    available += member_available;
    pending += member_pending;
    debt += s.debt;
    with_points += outstanding > 0;
    for (const Lot& lot : s.lots) {
      if (!lot.expires_at) {
        never_expiring += lot.points;
        continue;
      }
      const LocalDate due = date_from_day_number(local_day_number(*lot.expires_at, program.utc_offset_minutes));
      expiring[due.iso().substr(0, 7)] += lot.points;
    }
    Share& tier = by_tier[program.tiers[effective_tier(program, s, s.clock)].id];
    tier.members += 1;
    tier.outstanding += outstanding;
    Share& stage = by_stage[std::string(lifecycle_stage_name(lifecycle(program, s, s.clock).stage))];
    stage.members += 1;
    stage.outstanding += outstanding;
    if (program.experiment) {
      Share& variant = by_variant[program.experiment->variants[variant_of(*program.experiment, s.member_id)].id];
      variant.members += 1;
      variant.outstanding += outstanding;
    }
  };
  try {
    store.for_each_member(visit);
  } catch (const Stopped&) {
    return Json();
  }
  if (progress) progress->finish();

  Json months = Json::array();
  for (const auto& [month, points] : expiring) {
    months.push_back({{"month", month}, {"points", points}, {"liability_minor", points_worth_minor(program, points)}});
  }
  const std::int64_t outstanding = available + pending - debt;
  Json report = {
      {"at", now},
      {"program", {{"id", program.id}, {"version", program.version},
                   {"currency", {{"code", program.currency.code}, {"minor_units", program.currency.minor_units}}}}},
      {"members", members},
      {"members_with_points", with_points},
      {"unreadable_members", unreadable},
      {"outstanding_points", outstanding},
      {"available_points", available},
      {"pending_points", pending},
      {"debt_points", debt},
      {"liability_minor", points_worth_minor(program, outstanding)},
      {"expiring_by_month", months},
      {"never_expiring_points", never_expiring},
      {"by_tier", shares_json(program, by_tier)},
      {"by_stage", shares_json(program, by_stage)},
  };
  if (program.experiment) report["by_variant"] = shares_json(program, by_variant);
  return report;
}

}  // namespace loyalty::server
