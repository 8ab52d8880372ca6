// A draft programme tried on the store's own history, before it is
// published: members' logged events replayed under the version in force and
// under the draft, as `loyalty simulate` replays an exported file. The
// console's editor shows the report beside the draft.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "loyalty/json_codec.hpp"
#include "loyalty/program.hpp"
#include "program_versions.hpp"
#include "simulation.hpp"
#include "store.hpp"

namespace loyalty::server {

// The events of a member's log (each element one request's events, a JSON
// array), oldest first; a log that does not read is a StoreError.
std::vector<Json> logged_events(const std::string& member_id, const std::vector<std::string>& batches);
// The same events as the texts the log holds, appended to `events`, without
// reading them: a row is the server's own writing (json_list of each
// event's dump), so each element is the event's JSON as it was applied, and
// `loyalty export` writes it on as it is. A row that is not a JSON array is
// a StoreError.
void logged_event_texts(const std::string& member_id, const std::vector<std::string>& batches,
                        std::vector<std::string_view>& events);

// `loyalty simulate`'s report over at most `max_members` of the store's
// members (every k-th by member id when it holds more), with "sample":
// {members_in_store, members_simulated, every, unreadable}. Members whose
// state no held version reads are counted as unreadable, not simulated.
Json simulate_store_history(const Program& current, const Program& candidate, Store& store, ProgramVersions& versions,
                            std::int64_t max_members);

}  // namespace loyalty::server
