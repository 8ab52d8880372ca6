// `loyalty audit`: every member's balances recomputed from the ledger and
// compared with the stored state, and every stored state checked against the
// core's invariants (invariants.hpp). The ledger is the record; a mismatch
// means a bug or a hand-edited database, and is reported member by member.
#pragma once

#include <functional>
#include <ostream>

#include "loyalty/program.hpp"
#include "progress.hpp"
#include "store.hpp"

namespace loyalty::server {

// 0 when every member matches, 1 when any does not, 130 when stopped by
// Ctrl-C (only with a `progress`, which is stepped for each member).
int audit(const Program& program, Store& store, std::ostream& out, std::ostream& err, Progress* progress = nullptr);
// Each member read under the programme `program_of` gives for it (the
// version its state was written under); nullptr: a version the store lacks.
using ProgramOf = std::function<const Program*(const MemberRow&)>;
int audit(const ProgramOf& program_of, Store& store, std::ostream& out, std::ostream& err, Progress* progress = nullptr);

}  // namespace loyalty::server
