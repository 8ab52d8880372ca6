// The engine's segments query: which segments a member is in, and for each
// other one the conditions that failed with what the member has instead.
#include "engine_request.hpp"
#include "loyalty/segments.hpp"
#include "writers.hpp"

namespace loyalty {

namespace {

void write_have(JsonWriter& w, const Program& program, const Segment& segment, SegmentCondition c, const MemberFacts& f) {
  w.key("have");
  switch (c) {
    case SegmentCondition::variants:
      if (f.variant) w.value(std::string_view(program.experiment->variants[*f.variant].id));
      else w.null();
      break;
    case SegmentCondition::tiers: w.value(std::string_view(program.tiers[f.tier].id)); break;
    case SegmentCondition::stages: w.value(lifecycle_stage_name(f.stage)); break;
    case SegmentCondition::balance: w.value(f.balance); break;
    case SegmentCondition::spend: w.value(f.spend_in(segment.when.spend->days)); break;
    case SegmentCondition::orders: w.value(f.orders_in(segment.when.orders->days)); break;
    case SegmentCondition::joined_days: w.value(f.joined_days); break;
    case SegmentCondition::birthday_month: w.value(f.birthday_month); break;
    case SegmentCondition::tags:
    case SegmentCondition::not_tags:
      w.begin_array();
      for (const std::string& tag : f.state->tags) w.value(std::string_view(tag));
      w.end_array();
      break;
  }
}

std::string segments_json(const Program& program, const MemberState& state, TimeMs at) {
  const MemberFacts facts = member_facts(program, state, at);
  JsonWriter w;
  w.begin_object().key("segments").begin_array();
  for (const Segment& s : program.segments) {
    const std::vector<SegmentCondition> unmet = unmet_conditions(s, facts);
    w.begin_object().field("id", std::string_view(s.id)).field("in", unmet.empty());
    write_localized(w.key("name"), s.name);
    w.key("unmet").begin_array();
    for (SegmentCondition c : unmet) {
      w.begin_object().field("condition", std::string_view(segment_condition_name(c)));
      write_have(w, program, s, c, facts);
      w.end_object();
    }
    w.end_array().end_object();
  }
  w.end_array().key("tags").begin_array();
  for (const std::string& tag : state.tags) w.value(std::string_view(tag));
  w.end_array();
  if (program.experiment) {
    w.key("variant").value(std::string_view(program.experiment->variants[*facts.variant].id));
  }
  w.end_object();
  return w.take();
}

}  // namespace

std::string Engine::segments(std::string_view r) const { return stateless(r, true, &Engine::segments); }

std::string Engine::segments(MemberSession& member, Request& request) const {
  auto at = read_at(request);
  refuse_unknown_fields(request, {"at"});
  if (!request.errors.empty()) return error_envelope(request.errors);
  auto state = member.at(*at);
  if (!state.ok()) return error_envelope(state.errors());
  return ok_envelope(segments_json(*program_, *state.value(), *at));
}

}  // namespace loyalty
