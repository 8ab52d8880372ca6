// `loyalty generate`: a synthetic but realistic history of a programme's
// members, for demos, benchmarks and tests, the same bytes for the same
// seed on every machine (integer arithmetic and a counter-based generator
// only).
//
// What it models:
// - members join over the first four fifths of the period, one in seven
//   invited by a member who joined on an earlier day;
// - four kinds of member (loyal, regular, occasional, deal hunter), each with
//   its own daily chances of ordering, checking in, liking, sharing,
//   scanning, drawing and redeeming, and its own basket;
// - a lifecycle that drifts: active members go silent, then sleeping, then
//   lost, and some come back; each stage orders and visits less;
// - seasonal peaks: 11.11, 618 and the Spring Festival (three times the
//   orders on the day, half as many again in the week before);
// - refunds of about one order in twenty, whole or in part, within days;
// - redemptions, paying with points at checkout and for rewards, when the
//   member has earned enough by a rough running count.
//
// The file holds each member in turn: a join line, then its events in time
// order, as the server would have stored them (server fields filled in,
// referral events delivered to the inviter). A time_passes closes each
// member's history at the end of the period, so expiry shows.
//   {"member_id":"g-0000001","joined_at":1735689600000,"inviter":"g-0000000"}
//   {"member_id":"g-0000001","event":{"id":"g1-4","type":"order",...}}
#pragma once

#include <cstdint>
#include <map>
#include <ostream>
#include <string>

#include "loyalty/program.hpp"

namespace loyalty::server {

struct HistoryOptions {
  std::int64_t members = 1000;
  std::int64_t days = 365;
  std::uint64_t seed = 1;
  TimeMs start = 0;  // local midnight of the first day
};

struct HistoryStatistics {
  std::int64_t members = 0;
  std::int64_t invited = 0;
  std::int64_t events = 0;
  std::map<std::string, std::int64_t> members_by_kind;
  std::map<std::string, std::int64_t> events_by_type;
  std::map<std::string, std::int64_t> orders_by_month;  // "2026-11"
  std::int64_t order_lines = 0;
  std::int64_t paid_minor = 0;          // orders' totals before any points paid
  std::int64_t refunded_orders = 0;
  std::map<std::string, std::int64_t> stage_at_end;   // the generator's own lifecycle
};

// Writes the history to `out`; throws std::invalid_argument for options
// outside 1..10,000,000 members or 1..3,660 days.
HistoryStatistics generate_history(const Program& program, const HistoryOptions& options, std::ostream& out);

}  // namespace loyalty::server
