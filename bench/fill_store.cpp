// Fills a store with a generated history (`loyalty generate`) as the sync
// server would have kept it: each member's state after its events, and its
// event log one request a row (one event a request, as members' devices
// send them), a transaction a member. It is how bench/export.mjs gets a
// large store to time `loyalty export` on, without the hours the HTTP API
// would take to apply the same events.
//   bench_fill_store --program PROGRAM.json --events EVENTS.jsonl[.gz] --db URL
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "line_files.hpp"
#include "loyalty/apply.hpp"
#include "loyalty/engine.hpp"
#include "loyalty/json_codec.hpp"
#include "store.hpp"
#include "stored_state.hpp"

namespace {

std::string flag(int argc, char** argv, const std::string& name) {
  for (int i = 1; i + 1 < argc; ++i) {
    if (argv[i] == name) return argv[i + 1];
  }
  return "";
}

}  // namespace

int main(int argc, char** argv) {
  using namespace loyalty;
  const std::string program_path = flag(argc, argv, "--program");
  const std::string events_path = flag(argc, argv, "--events");
  const std::string db = flag(argc, argv, "--db");
  if (program_path.empty() || events_path.empty() || db.empty()) {
    std::cerr << "usage: bench_fill_store --program PROGRAM.json --events EVENTS.jsonl[.gz] --db URL\n";
    return 2;
  }
  std::ifstream program_file(program_path);
  std::stringstream program_text;
  program_text << program_file.rdbuf();
  auto engine = Engine::load(program_text.str());
  if (!engine.ok()) {
    std::cerr << program_path << ": " << engine.errors()[0].message << "\n";
    return 1;
  }
  const Program& program = engine.value().program();
  server::LineReader lines(events_path);
  if (!lines.is_open()) {
    std::cerr << "cannot read " << events_path << "\n";
    return 1;
  }
  auto store = server::open_store(db);

  std::string member_id, inviter;
  std::optional<MemberState> state;
  std::vector<std::string> log;  // the member's events as applied, one request each
  std::int64_t members = 0, events = 0;
  const auto started = std::chrono::steady_clock::now();
  const auto flush = [&] {
    if (!state) return;
    store->with_member(member_id, [&](server::MemberTransaction& tx) {
      for (const std::string& event : log) tx.append_events({event});
      tx.save_member({member_id, server::stored_form(program, *state), state->version, inviter, program.version}, 0);
    });
    ++members;
    events += static_cast<std::int64_t>(log.size());
    log.clear();
    state.reset();
  };
  for (std::string line; lines.next(line);) {
    auto item = parse_json(line);
    if (!item.ok() || !item.value().is_object()) {
      std::cerr << "not a line of loyalty generate: " << line.substr(0, 80) << "\n";
      return 1;
    }
    Json whole = std::move(item).value();
    if (!whole.contains("event")) {
      flush();
      member_id = whole["member_id"].get<std::string>();
      inviter = whole.value("inviter", "");
      Json first = {{"member_id", member_id}, {"joined_at", whole["joined_at"]}};
      if (whole.contains("birthday")) first["birthday"] = whole["birthday"];
      auto joined = member_state_from_json(program, first, "");
      if (!joined.ok()) {
        std::cerr << member_id << ": " << joined.errors()[0].message << "\n";
        return 1;
      }
      state = std::move(joined).value();
      continue;
    }
    auto event = event_from_json(program, whole["event"], "event");
    // An event the programme refuses is not in the log (the server logs only what it applied).
    if (!event.ok() || !apply_in_place(program, *state, event.value()).ok()) continue;
    log.push_back(whole["event"].dump());
  }
  flush();
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  std::cerr << "filled " << members << " members, " << events << " events in " << seconds << " s\n";
  return lines.failed() ? 1 : 0;
}
