// What every state the core makes satisfies, whatever events made it:
//  - each lot holds points; none is due to vest or expire and left undone;
//  - debt and spendable points never stand side by side;
//  - task balances are not negative; no coupon is held past its expiry;
//  - counters stay within the programme's daily caps and cycle length;
//  - a stored tier is never below what the metrics give.
// The ledger's side (balance = sum of its rows) needs the ledger: the
// property tests and `loyalty audit` check it.
//
// Used by the property tests, by `loyalty audit` on every stored state, and
// after every apply() in sanitised builds (LOYALTY_CHECK_INVARIANTS), where an
// event that takes a state holding them to one that does not aborts.
#pragma once

#include "loyalty/error.hpp"
#include "loyalty/member_state.hpp"
#include "loyalty/program.hpp"

namespace loyalty {

// Every broken invariant, code "invariant.*", path into the state; empty if none.
Errors check_invariants(const Program& program, const MemberState& state);

}  // namespace loyalty
