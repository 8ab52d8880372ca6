// Where a member stands on the tier ladder: "680 growth (¥680.00) more to Gold".
#pragma once

#include <cstdint>
#include <optional>

#include "loyalty/error.hpp"
#include "loyalty/member_state.hpp"
#include "loyalty/program.hpp"

namespace loyalty {

struct TierProgress {
  std::size_t tier = 0;               // the tier held now
  std::int64_t growth = 0;
  std::optional<std::size_t> next_tier;  // absent at the top
  std::int64_t growth_needed = 0;     // to reach next_tier; 0 at the top
  // The least paid amount (minor units) whose growth closes the gap, under
  // the programme's growth rate and rounding. Absent when orders earn no growth.
  std::optional<std::int64_t> spend_needed;
  std::int32_t permille = 1000;       // progress from this tier to the next, 0..1000
};

// The highest tier whose threshold `growth` meets.
std::size_t qualified_tier(const Program& program, std::int64_t growth);

// The tier a member holds: the stored one, or a higher one that growth has
// already earned (upgrades apply as soon as they are met).
std::size_t held_tier(const Program& program, const MemberState& state);

Result<TierProgress> tier_progress(const Program& program, const MemberState& state);

}  // namespace loyalty
