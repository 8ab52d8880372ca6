// The JSON face of the core for hosts: the WASM bindings, the `loyalty` CLI
// and the conformance runners all call these, so every host runs the same
// code from text to text. Each call returns an envelope string:
//   {"ok":true,"value":{...}}
//   {"ok":false,"errors":[{"code":"...","message":"...","path":"..."}]}
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "loyalty/error.hpp"
#include "loyalty/member_session.hpp"
#include "loyalty/program.hpp"

namespace loyalty {

struct Request;  // a parsed request (internal)

class Engine {
 public:
  // Parses and validates a programme; errors list every problem found.
  static Result<Engine> load(std::string_view program_json);

  // Validation only: value is the programme summary (as program_summary()).
  static std::string check_program(std::string_view text);

  // The validated programme, normalised (defaults filled in).
  std::string program_summary() const;

  // Queries; none changes anything. Every request has "at" (UTC ms) and,
  // but for preview_order, a "state".
  //   preview_order:      {"state"?, "cart": {"lines": [...]}, "at"}
  //   preview_listing:    {"state"?, "products": [cart lines], "at"} -> points per product
  //   tier_progress:      {"state", "at"}
  //   points_summary:     {"state", "at", "horizon_days"?: 30}
  //   redemption_preview: {"state", "at", "order_total"}
  //   lifecycle:          {"state", "at"}
  std::string preview_order(std::string_view request_json) const;
  std::string preview_listing(std::string_view request_json) const;
  std::string tier_progress(std::string_view request_json) const;
  std::string points_summary(std::string_view request_json) const;
  std::string redemption_preview(std::string_view request_json) const;
  std::string lifecycle(std::string_view request_json) const;

  // Tasks and games; queries too.
  //   checkin_calendar: {"state", "at"} -> the cycle's days, streak, today's and tomorrow's reward, make-ups
  //   task_overview:    {"state", "at"} -> likes, scans, limited-time tasks, referrals, boxes, reward balances
  //   mall_catalog:     {"state", "at", "stock"?: {"<item>": {"left"?, "left_today"?}}} -> each mall item as
  //                     the member sees it (can redeem now, or why not; how many; points short), and
  //                     the member's latest 20 redemptions
  //   segments:         {"state", "at"} -> each of the programme's segments: whether the member is in
  //                     it, and the conditions it fails with what the member has; the member's tags
  //   box_odds:         {"box"} -> each prize's weight and published odds (per million)
  //   verify_draw:      {"member_id", "nonce", "draw": {"box", "seed", "stock"?, "budget"?}, "commitment"?}
  //                     -> the prize the core gives, and whether SHA-256(seed) is the commitment
  //   simulate_draws:   {"member_id", "draw": {"box", "seed"}, "from_nonce"?: 0, "count"} -> how often
  //                     each prize came out, and a digest of the outcome sequence
  std::string checkin_calendar(std::string_view request_json) const;
  std::string task_overview(std::string_view request_json) const;
  std::string mall_catalog(std::string_view request_json) const;
  std::string segments(std::string_view request_json) const;
  std::string box_odds(std::string_view request_json) const;
  std::string verify_draw(std::string_view request_json) const;
  std::string simulate_draws(std::string_view request_json) const;
  //   digest:           {"message_hex", "key_hex"?} -> SHA-256, or HMAC-SHA-256 with a key, as hex
  std::string digest(std::string_view request_json) const;

  // The transition: {"state", "event"} -> {"state", "ledger", "notices",
  // "balances", "duplicate"}.
  std::string apply(std::string_view request_json) const;

  // Replays {"state", "events": [...]} in order; an event that is refused is
  // reported in "results" and skipped. For support tools and the vectors.
  std::string apply_events(std::string_view request_json) const;

  // Any of the above by name ("preview_order", "apply", ...): the one table
  // the bindings, the CLI and the conformance runners all go through.
  // An unknown name answers "request.unknown_op".
  std::string call(std::string_view op, std::string_view request_json) const;
  static const std::vector<std::string_view>& operations();

  // Member sessions over text: a state snapshot read once, then the member
  // operations (member_operations()) with the same requests less "state",
  // answering the same bytes. apply and apply_events keep the new state in
  // the session and leave "state" out of their answers; "state" answers the
  // held snapshot ({} request).
  Result<MemberSession> open_member(std::string_view state_json) const;
  // The same from the state's binary snapshot (state_snapshot.hpp).
  Result<MemberSession> open_member_snapshot(std::string_view snapshot) const;
  std::string call(MemberSession& member, std::string_view op, std::string_view request_json) const;
  static const std::vector<std::string_view>& member_operations();

  // The same, for hosts that hold typed input and need no request text read:
  // a member operation whose request is only {"at"} (tier_progress,
  // points_summary, lifecycle, checkin_calendar, task_overview, mall_catalog, segments) with the
  // time as a number, and preview_order on a cart already read.
  std::string call(MemberSession& member, std::string_view op, TimeMs at) const;
  std::string preview_order(MemberSession& member, const Cart& cart, TimeMs at) const;

  const Program& program() const { return *program_; }
  const std::shared_ptr<const Program>& shared_program() const { return program_; }

 private:
  explicit Engine(Program program) : program_(std::make_shared<const Program>(std::move(program))) {}

  // The member operations on a parsed request whose "state" was read already.
  std::string preview_order(MemberSession& member, Request& request) const;
  std::string preview_listing(MemberSession& member, Request& request) const;
  std::string tier_progress(MemberSession& member, Request& request) const;
  std::string points_summary(MemberSession& member, Request& request) const;
  std::string redemption_preview(MemberSession& member, Request& request) const;
  std::string lifecycle(MemberSession& member, Request& request) const;
  std::string checkin_calendar(MemberSession& member, Request& request) const;
  std::string task_overview(MemberSession& member, Request& request) const;
  std::string mall_catalog(MemberSession& member, Request& request) const;
  std::string segments(MemberSession& member, Request& request) const;
  std::string apply(MemberSession& member, Request& request) const;
  std::string apply_events(MemberSession& member, Request& request) const;
  std::string state(MemberSession& member, Request& request) const;
  // Runs a member operation on the request's own "state" (required or not).
  std::string stateless(std::string_view request_json, bool state_required,
                        std::string (Engine::*operation)(MemberSession&, Request&) const) const;

  friend struct OperationTable;
  std::shared_ptr<const Program> program_;
};

std::string error_envelope(const Errors& errors);

}  // namespace loyalty
