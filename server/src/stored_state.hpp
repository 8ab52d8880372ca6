// How a member's state is kept in a store: as the core's binary snapshot
// (state_snapshot.hpp), several times smaller and faster to read and write
// than its JSON. Rows written before snapshots hold the JSON snapshot; they
// are still read (the two are told apart by their first byte), and become
// snapshots when the member next changes.
#pragma once

#include <string>
#include <string_view>

#include "loyalty/error.hpp"
#include "loyalty/member_state.hpp"
#include "loyalty/program.hpp"

namespace loyalty::server {

std::string stored_form(const Program& program, const MemberState& state);
Result<MemberState> read_stored_state(const Program& program, std::string_view stored);

}  // namespace loyalty::server
