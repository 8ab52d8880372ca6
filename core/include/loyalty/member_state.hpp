// What the core knows about one member. This slice holds the tier inputs;
// balances, lots and streaks join it as the engine grows.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace loyalty {

struct MemberState {
  std::string member_id;
  std::int64_t growth = 0;
  // The tier the member holds (it may be above what growth alone gives,
  // e.g. while retained until the next evaluation). Absent: derived from growth.
  std::optional<std::size_t> tier;
};

}  // namespace loyalty
