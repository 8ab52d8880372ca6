// The one transition function: every change of a member's state is an event
// applied here. Previews are this on a copy (or pure queries), never a
// parallel path.
//
// Before the event itself, the state is brought forward to the event's time:
// everything due in between happens in time order (a lot vesting, a lot
// expiring, a paid membership ending, a grace period ending, a tier
// evaluation), each with its own ledger rows stamped with when it happened.
// Applying an event id that the state remembers changes nothing
// (Outcome::duplicate). An error leaves the state untouched.
#pragma once

#include <optional>

#include "loyalty/error.hpp"
#include "loyalty/event.hpp"
#include "loyalty/member_state.hpp"
#include "loyalty/outcome.hpp"
#include "loyalty/program.hpp"

namespace loyalty {

Result<Outcome> apply(const Program& program, const MemberState& state, const Event& event);

// The same on `state` itself: what the event did beside changing it comes
// back, and nothing of the state is copied. A refused event leaves `state`
// exactly as it was (what it changed before it was refused is undone).
Result<Applied> apply_in_place(const Program& program, MemberState& state, const Event& event);
// The same, with what the event did written into `out`: its rows and
// notices replace those there, in the memory they had, so that a loop
// applying many events (a replay, a simulation) allocates for them once.
// The errors of a refused event, which leaves `out` empty.
std::optional<Errors> apply_in_place(const Program& program, MemberState& state, const Event& event, Applied& out);

// The state as it will be at `at` if nothing but time passes.
// Error: "event.out_of_order" if `at` is before the state's clock.
Result<MemberState> state_at(const Program& program, const MemberState& state, TimeMs at);

// The same, with the time the brought state next changes by itself: it is
// what state_at() gives for any moment before `due` (absent: never), so a
// holder of it need not bring the state forward again until then.
struct BroughtState {
  MemberState state;
  std::optional<TimeMs> due;
};
Result<BroughtState> bring_to(const Program& program, const MemberState& state, TimeMs at);

// bring_to() on `state` itself, for a holder of its own copy: the time it
// next changes by itself comes back. A state brought to one moment and then
// to a later one is the state brought to the later one at once.
Result<std::optional<TimeMs>> bring_forward(const Program& program, MemberState& state, TimeMs at);

// When bringing `state` to `at` would first change it (absent: never).
// Before that time state_at() changes nothing but forgets what no query
// reads (orders past the refund window, activity before any window), so the
// state itself answers every query: no copy is needed.
std::optional<TimeMs> first_due(const Program& program, const MemberState& state, TimeMs at);

}  // namespace loyalty
