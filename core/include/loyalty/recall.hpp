// Recall offers (召回, program.lifecycle.recall): a member who falls silent,
// asleep or lost is offered extra points on the next order within the
// offer's days of entering the stage.
//
// A member enters stage S when the whole days since the last activity (an
// order, a redemption, a paid membership, a task or a game) reach S's days, and no earlier than
// the end of being new (lifecycle's own rule), so a member idle through
// being new may enter a later stage directly and never the ones before it.
// The offer for S is open from that moment for `days` days, whatever stage
// follows. When several are open the one entered last applies. An order
// uses the open offer (its lines earn x multiplier_bp, step "recall"); any
// other activity keeps an unused open offer for its days
// (MemberState::recall), so a check-in or a redemption at the counter does
// not take away an offer the member was given. Each entry gives its offer once.
#pragma once

#include <cstddef>
#include <optional>
#include <string_view>

#include "loyalty/member_state.hpp"
#include "loyalty/program.hpp"

namespace loyalty {

struct OpenRecall {
  std::size_t offer = 0;  // index in program.lifecycle.recall
  TimeMs entered_at = 0;
  TimeMs until = 0;  // open while at < until
};

// The offer an order at `at` would use, if any.
std::optional<OpenRecall> open_recall(const Program& program, const MemberState& state, TimeMs at);
// Only its index, for pricing (at once when the programme has no offers).
std::optional<std::size_t> open_recall_offer(const Program& program, const MemberState& state, TimeMs at);

// Before an event at `at` ends the member's inactivity: the open offer, kept
// in the state (used when the event is an order), so it outlives the
// inactivity that gave it. Nothing when no offer is open.
void keep_open_recall(const Program& program, MemberState& state, TimeMs at, bool used);

std::optional<std::size_t> recall_offer_index(const Program& program, std::string_view id);

}  // namespace loyalty
