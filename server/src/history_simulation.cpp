#include "history_simulation.hpp"

#include "stored_state.hpp"

namespace loyalty::server {

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
    std::vector<std::string_view> texts;
    logged_event_texts(row.member_id, batches, texts);
    simulation.add(MemberEvents{row.member_id, state->joined_at, state->birthday,
                                std::vector<std::string>(texts.begin(), texts.end()), false, {}});
  });
  Json report = simulation.finish();
  report["sample"] = {{"every", every}, {"members_in_store", in_store}, {"members_simulated", simulated},
                      {"unreadable", unreadable}};
  return report;
}

}  // namespace loyalty::server
