#include "loyalty/segments.hpp"

#include <algorithm>

#include "loyalty/member_state.hpp"
#include "loyalty/program.hpp"
#include "loyalty/queries.hpp"
#include "loyalty/sha256.hpp"
#include "loyalty/tier.hpp"

namespace loyalty {

const char* segment_condition_name(SegmentCondition c) {
  switch (c) {
    case SegmentCondition::variants: return "variants";
    case SegmentCondition::tiers: return "tiers";
    case SegmentCondition::stages: return "stages";
    case SegmentCondition::balance: return "balance";
    case SegmentCondition::spend: return "spend";
    case SegmentCondition::orders: return "orders";
    case SegmentCondition::joined_days: return "joined_days";
    case SegmentCondition::birthday_month: return "birthday_month";
    case SegmentCondition::tags: return "tags";
    case SegmentCondition::not_tags: return "not_tags";
  }
  return "tiers";
}

std::size_t variant_of(const Experiment& experiment, std::string_view member_id) {
  const Digest d = sha256(experiment.seed + "\n" + experiment.id + "\n" + std::string(member_id));
  std::uint64_t n = 0;
  for (std::size_t i = 0; i < 8; ++i) n = (n << 8) | d[i];
  // 2^64 is not a multiple of 10,000: the bias is below 10^-15, far under any share.
  const auto bucket = static_cast<std::int64_t>(n % 10000);
  std::int64_t below = 0;
  for (std::size_t v = 0; v < experiment.variants.size(); ++v) {
    below += experiment.variants[v].share_bp;
    if (bucket < below) return v;
  }
  return experiment.variants.size() - 1;
}

std::int64_t MemberFacts::spend_in(std::int64_t days) const { return state->activity.between(today - days + 1, today).spend; }
std::int64_t MemberFacts::orders_in(std::int64_t days) const { return state->activity.between(today - days + 1, today).orders; }

MemberFacts member_facts(const Program& program, const MemberState& state, TimeMs at) {
  MemberFacts f;
  f.state = &state;
  f.today = local_day_number(at, program.utc_offset_minutes);
  f.tier = effective_tier(program, state, at);
  if (program.experiment) f.variant = variant_of(*program.experiment, state.member_id);
  f.stage = lifecycle(program, state, at).stage;
  f.balance = state.available_points();
  f.joined_days = std::max<std::int64_t>(0, f.today - local_day_number(state.joined_at, program.utc_offset_minutes));
  f.birthday_month = state.birthday && state.birthday->month == date_from_day_number(f.today).month;
  return f;
}

std::vector<SegmentCondition> unmet_conditions(const Segment& segment, const MemberFacts& f) {
  const SegmentRule& r = segment.when;
  const auto has = [&](const std::string& tag) { return f.state->tags.count(tag) > 0; };
  std::vector<SegmentCondition> unmet;
  const auto need = [&](bool holds, SegmentCondition c) {
    if (!holds) unmet.push_back(c);
  };
  if (!r.variants.empty()) {
    need(f.variant && std::find(r.variants.begin(), r.variants.end(), *f.variant) != r.variants.end(), SegmentCondition::variants);
  }
  if (!r.tiers.empty()) need(std::find(r.tiers.begin(), r.tiers.end(), f.tier) != r.tiers.end(), SegmentCondition::tiers);
  if (!r.stages.empty()) need(std::find(r.stages.begin(), r.stages.end(), f.stage) != r.stages.end(), SegmentCondition::stages);
  if (r.balance) need(r.balance->hold(f.balance), SegmentCondition::balance);
  if (r.spend) need(r.spend->bounds.hold(f.spend_in(r.spend->days)), SegmentCondition::spend);
  if (r.orders) need(r.orders->bounds.hold(f.orders_in(r.orders->days)), SegmentCondition::orders);
  if (r.joined_days) need(r.joined_days->hold(f.joined_days), SegmentCondition::joined_days);
  if (r.birthday_month) need(*r.birthday_month == f.birthday_month, SegmentCondition::birthday_month);
  if (!r.tags.empty()) need(std::all_of(r.tags.begin(), r.tags.end(), has), SegmentCondition::tags);
  if (!r.not_tags.empty()) need(std::none_of(r.not_tags.begin(), r.not_tags.end(), has), SegmentCondition::not_tags);
  return unmet;
}

bool in_any_segment(const Program& program, const std::vector<std::size_t>& segments, const MemberFacts& facts) {
  if (segments.empty()) return true;
  return std::any_of(segments.begin(), segments.end(),
                     [&](std::size_t s) { return unmet_conditions(program.segments[s], facts).empty(); });
}

}  // namespace loyalty
