#include "audit.hpp"

#include "loyalty/invariants.hpp"
#include "stored_state.hpp"

namespace loyalty::server {

namespace {
struct Stopped {};
}  // namespace

int audit(const Program& program, Store& store, std::ostream& out, std::ostream& err, Progress* progress) {
  return audit([&](const MemberRow&) { return &program; }, store, out, err, progress);
}

int audit(const ProgramOf& program_of, Store& store, std::ostream& out, std::ostream& err, Progress* progress) {
  std::int64_t members = 0, rows = 0, mismatches = 0;
  const auto check_member = [&](const MemberRow& member, const LedgerSums& sums) {
    if (progress && Progress::stop_asked()) throw Stopped{};
    if (progress) progress->step();
    ++members;
    rows += sums.rows;
    const Program* under = program_of(member);
    if (!under) {
      ++mismatches;
      err << member.member_id << ": the stored state names programme version " << member.program_version
          << ", which the store does not hold\n";
      return;
    }
    const Program& program = *under;
    auto state = read_stored_state(program, member.state);
    if (!state.ok()) {
      ++mismatches;
      err << member.member_id << ": the stored state does not load [" << state.errors()[0].code << "]\n";
      return;
    }
    const MemberState& s = state.value();
    const std::pair<const char*, std::pair<std::int64_t, std::int64_t>> columns[] = {
        {"available", {s.available_points(), sums.available}},
        {"pending", {s.pending_points(), sums.pending}},
        {"debt", {s.debt, sums.debt}},
        {"version", {s.version, member.version}},
    };
    for (const auto& [name, values] : columns) {
      if (values.first == values.second) continue;
      ++mismatches;
      err << member.member_id << ": " << name << " is " << values.first << " in the state but "
          << values.second << (std::string(name) == "version" ? " in the members table" : " in the ledger") << "\n";
    }
    for (const Error& broken : check_invariants(program, s)) {
      ++mismatches;
      err << member.member_id << ": " << broken.path << ": " << broken.message << " [" << broken.code << "]\n";
    }
  };
  try {
    store.for_each_member(check_member);
  } catch (const Stopped&) {
    progress->finish();
    out << "stopped by Ctrl-C after " << members << " of " << progress->total() << " members, " << rows
        << " ledger rows: " << mismatches << " mismatches so far\n";
    return 130;
  }
  if (progress) progress->finish();
  out << "audited " << members << " members, " << rows << " ledger rows: "
      << (mismatches ? std::to_string(mismatches) + " mismatches" : std::string("clean")) << "\n";
  return mismatches ? 1 : 0;
}

}  // namespace loyalty::server
