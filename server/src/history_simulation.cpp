#include "history_simulation.hpp"

#include <cstring>

#include "stored_state.hpp"

namespace loyalty::server {

std::vector<Json> logged_events(const std::string& member_id, const std::vector<std::string>& batches) {
  std::vector<Json> events;
  for (const std::string& batch : batches) {
    auto list = parse_json(batch);
    if (!list.ok() || !list.value().is_array()) throw StoreError(member_id + "'s event log does not read");
    Json array = std::move(list).value();
    for (Json& event : array) events.push_back(std::move(event));
  }
  return events;
}

namespace {

// The top-level elements of a JSON array's text, found by their commas
// (strings and nested values skipped); false unless the text is one array.
bool split_array(std::string_view text, std::vector<std::string_view>& items) {
  std::size_t i = text.find_first_not_of(" \t\r\n");
  if (i == std::string_view::npos || text[i] != '[') return false;
  int depth = 0;
  const std::size_t first = i + 1;
  std::size_t start = first;
  bool empty = true;
  for (++i; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '"') {
      // To the closing quote: the next quote not escaped (after an even run of backslashes).
      for (;;) {
        const void* quote = std::memchr(text.data() + i + 1, '"', text.size() - i - 1);
        if (!quote) return false;
        i = static_cast<std::size_t>(static_cast<const char*>(quote) - text.data());
        std::size_t backslashes = 0;
        while (text[i - 1 - backslashes] == '\\') ++backslashes;
        if (backslashes % 2 == 0) break;
      }
      empty = false;
    } else if (c == '{' || c == '[') {
      ++depth;
      empty = false;
    } else if ((c == '}' || c == ']') && depth > 0) {
      --depth;
    } else if (depth == 0 && (c == ',' || c == ']')) {
      // An element missing: before a comma, or after the last comma.
      if (empty && (c == ',' || start != first)) return false;
      if (!empty) items.push_back(text.substr(start, i - start));
      if (c == ']') return text.find_first_not_of(" \t\r\n", i + 1) == std::string_view::npos;
      start = i + 1;
      empty = true;
    } else if (c != ' ' && c != '\t' && c != '\r' && c != '\n') {
      empty = false;
    }
  }
  return false;
}

}  // namespace

void logged_event_texts(const std::string& member_id, const std::vector<std::string>& batches,
                        std::vector<std::string_view>& events) {
  for (const std::string& batch : batches) {
    if (!split_array(batch, events)) throw StoreError(member_id + "'s event log does not read");
  }
}

Json simulate_store_history(const Program& current, const Program& candidate, Store& store, ProgramVersions& versions,
                            std::int64_t max_members) {
  const std::int64_t in_store = store.member_count();
  const std::int64_t every = max_members > 0 && in_store > max_members ? (in_store + max_members - 1) / max_members : 1;
  // One worker: the server goes on answering members on the other core.
  ParallelSimulation simulation(current, &candidate, 1, false);
  std::int64_t seen = 0, simulated = 0, unreadable = 0;
  store.for_each_member_history([&](const MemberRow& row, const std::vector<std::string>& batches) {
    if (seen++ % every != 0 || simulated >= max_members) return;
    const HeldVersion written_under = versions.version(row.program_version);
    std::optional<MemberState> state;
    if (written_under) {
      auto read = read_stored_state(written_under->program(), row.state);
      if (read.ok()) state = std::move(read).value();
    }
    if (!state) {
      ++unreadable;  // `loyalty audit` names them
      return;
    }
    ++simulated;
    simulation.add(MemberEvents{row.member_id, state->joined_at, state->birthday,
                                logged_events(row.member_id, batches)});
  });
  Json report = simulation.finish();
  report["sample"] = {{"every", every}, {"members_in_store", in_store}, {"members_simulated", simulated},
                      {"unreadable", unreadable}};
  return report;
}

}  // namespace loyalty::server
