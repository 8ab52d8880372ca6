// A draft programme tried on the store's own history, before it is
// published: members' logged events replayed under the version in force and
// under the draft, as `loyalty simulate` replays an exported file. The
// console's editor shows the report beside the draft.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "event_log.hpp"
#include "loyalty/json_codec.hpp"
#include "loyalty/program.hpp"
#include "program_versions.hpp"
#include "simulation.hpp"
#include "store.hpp"

namespace loyalty::server {

// `loyalty simulate`'s report over at most `max_members` of the store's
// members (every k-th by member id when it holds more), with "sample":
// {members_in_store, members_simulated, every, unreadable}. Members whose
// state no held version reads are counted as unreadable, not simulated.
Json simulate_store_history(const Program& current, const Program& candidate, Store& store, ProgramVersions& versions,
                            std::int64_t max_members);

}  // namespace loyalty::server
