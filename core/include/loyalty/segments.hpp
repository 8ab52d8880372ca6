// Segments (人群/分群): conditions on a member that a programme names once
// and limits what it offers to (earning campaigns, limited-time tasks,
// boxes, mall items). A member is in a segment when every condition it states holds;
// `segments_of` says which segments a member is in and, for the others,
// which conditions failed and what the member has instead. Operator tags
// (标签) are set and removed by the merchant through `tag` events.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "loyalty/local_time.hpp"
#include "loyalty/task_rules.hpp"  // LocalizedText, TextSet's kin

namespace loyalty {

struct MemberState;
struct Program;
enum class LifecycleStage;

// Inclusive bounds; an absent bound does not limit.
struct Bounds {
  std::optional<std::int64_t> min;
  std::optional<std::int64_t> max;
  bool hold(std::int64_t v) const { return (!min || v >= *min) && (!max || v <= *max); }
};

// A sum over the last `days` local days, today included.
struct WindowBounds {
  std::int64_t days = 30;
  Bounds bounds;
};

// An A/B experiment: every member is in one variant, by a stable hash of its
// id with the experiment's seed, in the stated shares. Segments name
// variants (`variants`), so campaigns, tasks, boxes and mall items can differ
// by variant.
struct ExperimentVariant {
  std::string id;
  std::int64_t share_bp = 0;
};
struct Experiment {
  std::string id;
  std::string seed;
  std::vector<ExperimentVariant> variants;  // shares add up to 10,000
};
// The member's variant (an index into experiment.variants): SHA-256 of
// "seed\nexperiment\nmember" read as a number below 10,000.
std::size_t variant_of(const Experiment& experiment, std::string_view member_id);

struct SegmentRule {
  std::vector<std::size_t> variants;       // the member's variant is one of these
  std::vector<std::size_t> tiers;          // the member's tier is one of these
  std::vector<LifecycleStage> stages;      // its lifecycle stage is one of these
  std::optional<Bounds> balance;           // available points
  std::optional<WindowBounds> spend;       // paid, minor units
  std::optional<WindowBounds> orders;
  std::optional<Bounds> joined_days;       // whole local days since joining
  std::optional<bool> birthday_month;      // its birthday is (or is not) in this local month
  std::vector<std::string> tags;           // holds every one
  std::vector<std::string> not_tags;       // holds none
};

struct Segment {
  std::string id;
  LocalizedText name;
  SegmentRule when;
};

enum class SegmentCondition { variants, tiers, stages, balance, spend, orders, joined_days, birthday_month, tags, not_tags };
const char* segment_condition_name(SegmentCondition c);

// What the conditions read of a member at a moment, found once.
struct MemberFacts {
  const MemberState* state = nullptr;
  std::int64_t today = 0;  // local day number
  std::size_t tier = 0;
  std::optional<std::size_t> variant;  // in the programme's experiment, if it has one
  LifecycleStage stage;
  std::int64_t balance = 0;
  std::int64_t joined_days = 0;
  bool birthday_month = false;
  std::int64_t spend_in(std::int64_t days) const;
  std::int64_t orders_in(std::int64_t days) const;
};

// The facts of `state` (brought to `at`) at `at`.
MemberFacts member_facts(const Program& program, const MemberState& state, TimeMs at);

std::vector<SegmentCondition> unmet_conditions(const Segment& segment, const MemberFacts& facts);
// Whether the member is in at least one of `segments` (indexes into
// program.segments); an empty list holds everyone.
bool in_any_segment(const Program& program, const std::vector<std::size_t>& segments, const MemberFacts& facts);

inline constexpr std::size_t kMaxSegments = 200;
inline constexpr std::size_t kMaxTags = 100;  // a member holds at most this many

}  // namespace loyalty
