// What apply() answers: the new state, the ledger entries the event caused
// and notices for the member ("you are Gold now").
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "loyalty/member_state.hpp"

namespace loyalty {

enum class LedgerKind {
  earn,           // order points: pending or, without a return window, available
  vest,           // pending -> available
  expire,         // available points that reached their expiry
  checkout,       // points spent on an order
  redeem,         // points spent on a reward
  clawback,       // points of refunded lines taken back
  debt,           // a clawback the balance could not cover
  debt_settled,   // newly available points paying the debt
  returned,       // checkout points given back by a refund
  birthday_gift,
};

// One row of the append-only ledger. Per column, the sum of a member's rows
// equals the state: available = spendable lots, pending = pending lots,
// debt = debt.
struct LedgerEntry {
  std::string event_id;
  TimeMs at = 0;  // when it took effect (a lot expires at its expiry, whichever event notices)
  LedgerKind kind = LedgerKind::earn;
  std::int64_t available = 0;
  std::int64_t pending = 0;
  std::int64_t debt = 0;
  std::string lot;
  std::string order_id;
  std::string reward_id;
};

enum class NoticeKind {
  tier_upgraded,
  tier_downgraded,
  downgrade_scheduled,
  downgrade_cancelled,
  paid_started,
  paid_renewed,
  paid_expired,
  points_capped,
};

struct Notice {
  NoticeKind kind = NoticeKind::tier_upgraded;
  TimeMs at = 0;
  std::optional<std::size_t> from_tier;
  std::optional<std::size_t> to_tier;
  std::optional<TimeMs> until;          // downgrade_scheduled: grace end; paid: expiry
  std::optional<std::int64_t> points;   // points_capped: points cut
};

struct Outcome {
  MemberState state;
  std::vector<LedgerEntry> ledger;
  std::vector<Notice> notices;
  bool duplicate = false;  // the event id was applied before; nothing changed
};

}  // namespace loyalty
