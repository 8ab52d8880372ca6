// The reference apply() for the differential test: see reference_apply.cpp.
#pragma once

#include "loyalty/error.hpp"
#include "loyalty/event.hpp"
#include "loyalty/member_state.hpp"
#include "loyalty/outcome.hpp"
#include "loyalty/program.hpp"

namespace loyalty::reference {

Result<Outcome> apply(const Program& program, const MemberState& state, const Event& event);

}  // namespace loyalty::reference
