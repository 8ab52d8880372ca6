// Reading a member's event log as the store keeps it: each row one
// request's events, a JSON array of each event as the server applied it.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "loyalty/json_codec.hpp"

namespace loyalty::server {

// The events of a member's log (each row one request's events, a JSON
// array), oldest first, as the texts the log holds, appended to `events`, without
// reading them: a row is the server's own writing (json_list of each
// event's dump), so each element is the event's JSON as it was applied, and
// `loyalty export` writes it on as it is. A row that is not a JSON array is
// a StoreError.
void logged_event_texts(const std::string& member_id, const std::vector<std::string>& batches,
                        std::vector<std::string_view>& events);
void logged_event_texts(std::string_view member_id, const std::vector<std::string_view>& batches,
                        std::vector<std::string_view>& events);

}  // namespace loyalty::server
