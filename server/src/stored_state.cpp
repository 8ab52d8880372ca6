#include "stored_state.hpp"

#include "loyalty/json_codec.hpp"
#include "loyalty/state_snapshot.hpp"

namespace loyalty::server {

std::string stored_form(const Program& program, const MemberState& state) { return state_snapshot(program, state); }

Result<MemberState> read_stored_state(const Program& program, std::string_view stored) {
  if (stored.empty() || stored.front() != '{') return member_state_from_snapshot(program, stored);
  auto json = parse_json(stored);
  if (!json.ok()) return json.errors();
  return member_state_from_json(program, json.value(), "state");
}

}  // namespace loyalty::server
