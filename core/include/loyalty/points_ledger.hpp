// Points as lots. Every operation here changes the lots (and debt) of one
// state and appends the ledger rows that say so, so that per column the
// ledger always sums to the state (outcome.hpp).
//
// - Spending takes the soonest-expiring available lot first (then the
//   earliest earned, then the lot id); never-expiring lots go last.
// - A clawback takes pending points first, then available ones: in each,
//   the refunded order's own lot before others (in spending order); what is
//   left becomes debt, paid by the next points to become available.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "loyalty/member_state.hpp"
#include "loyalty/outcome.hpp"
#include "loyalty/program.hpp"

namespace loyalty {

// When points earned at `earned_at` expire under the programme; nullopt: never.
std::optional<TimeMs> expiry_for(const Program& program, TimeMs earned_at);

// When every point the member holds lapses for want of activity
// (expiry.inactivity), if nothing happens first: never before the state's
// clock, so that points earned by an event that does not count as activity
// after the time has passed lapse then, and no row is stamped before its lot.
// Absent when the programme has no such rule or the member holds no lot.
std::optional<TimeMs> points_lapse_at(const Program& program, const MemberState& state);
// The reminder before `lapse` ("your points lapse in 30 days"), if still to come.
std::optional<TimeMs> lapse_reminder_at(const Program& program, const MemberState& state, std::optional<TimeMs> lapse);
// The moment the time without activity counts from: points_active_at, or
// for a state from before the rule its last activity, or its joining.
TimeMs points_active_since(const MemberState& state);

class StateUndo;

class PointsBook {
 public:
  // `undo`, if given, is told of every change to the lots before it is made.
  PointsBook(MemberState& state, std::vector<LedgerEntry>& ledger, const std::string& event_id,
             StateUndo* undo = nullptr)
      : state_(state), ledger_(ledger), event_id_(event_id), undo_(undo) {}

  using Slot = Lots::Slot;

  // Adds a lot (pending if it has vests_at) and records `kind`; available
  // points pay any debt first. Answers the lot's slot (it may be gone again
  // if it paid debt in full).
  Slot add(Lot&& lot, LedgerKind kind, TimeMs at);
  void vest(Slot lot, TimeMs at);
  void expire(Slot lot, TimeMs at);
  // Each lot's remaining points expire at its own expiry, a row each, in the
  // order given; the emptied lots leave together (a year-end expiry takes
  // hundreds at once).
  void expire_due(const std::vector<Slot>& lots);
  std::int64_t lapse(TimeMs at);  // every lot expires; answers the points
  // Spends available points; the caller has checked there are enough.
  std::vector<RedeemedPart> spend(std::int64_t points, TimeMs at, LedgerKind kind,
                                  const std::string& order_id, const std::string& reward_id);
  void claw_back(std::int64_t points, TimeMs at, const std::string& order_id);
  // Gives back `points` of what `parts` spent, after the first `skip` of
  // them (given back before), each with its lot's earning time and expiry:
  // what has expired since comes back and expires at once, in view. The
  // lots are named after the event: "<id>#1", "<id>#2", ...
  void give_back(const std::vector<RedeemedPart>& parts, std::int64_t skip, std::int64_t points, LedgerKind kind,
                 const std::string& order_id, TimeMs at);
  // A row that moves no points (a coupon expiring), stamped with the event's id.
  void append(LedgerEntry entry);

 private:
  void take(Slot lot, std::int64_t points, TimeMs at, LedgerKind kind, const std::string& order_id,
            const std::string& reward_id);
  void settle_debt(TimeMs at);
  void remove_empty_lots();
  void reserve_rows(std::size_t more);

  MemberState& state_;
  std::vector<LedgerEntry>& ledger_;
  const std::string& event_id_;
  StateUndo* undo_;
};

}  // namespace loyalty
