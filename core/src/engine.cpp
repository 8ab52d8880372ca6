#include "loyalty/engine.hpp"

#include "engine_request.hpp"
#include "json_reader.hpp"
#include "writers.hpp"
#include "loyalty/apply.hpp"
#include "loyalty/queries.hpp"
#include "loyalty/state_snapshot.hpp"

#include "loyalty/json_codec.hpp"
#include "loyalty/order_preview.hpp"
#include "loyalty/tier.hpp"

namespace loyalty {

std::string error_envelope(const Errors& errors) {
  return "{\"errors\":" + errors_json(errors) + ",\"ok\":false}";
}

Result<Engine> Engine::load(std::string_view program_json) {
  auto program = load_program(program_json);
  if (!program.ok()) return program.errors();
  return Engine(std::move(program).value());
}

std::string Engine::check_program(std::string_view text) {
  auto program = load_program(text);
  if (!program.ok()) return error_envelope(program.errors());
  return ok_envelope(program_json(program.value()));
}

std::string Engine::program_summary() const { return ok_envelope(program_json(*program_)); }

Result<MemberSession> Engine::open_member(std::string_view state_json) const {
  auto doc = JsonDocument::parse(state_json);
  if (!doc.ok()) return doc.errors();
  auto state = member_state_from_json(*program_, doc.value().root(), "state");
  if (!state.ok()) return state.errors();
  return MemberSession(program_, std::move(state).value());
}

Result<MemberSession> Engine::open_member_snapshot(std::string_view snapshot) const {
  auto state = member_state_from_snapshot(*program_, snapshot);
  if (!state.ok()) return state.errors();
  return MemberSession(program_, std::move(state).value());
}

std::string Engine::stateless(std::string_view request_json, bool state_required,
                              std::string (Engine::*operation)(MemberSession&, Request&) const) const {
  Request request = parse_request(request_json);
  if (!request.errors.empty()) return error_envelope(request.errors);
  request.stateless = true;
  // The state is read first, so its errors come first, as in the request.
  auto state = request_field<MemberState>(request, "state", state_required, [&](const JsonValue& j) {
    return member_state_from_json(*program_, j, "state");
  });
  MemberSession member(program_, std::move(state).value_or(MemberState{}));
  return (this->*operation)(member, request);
}

std::string Engine::preview_order(MemberSession& member, Request& request) const {
  auto cart = request_field<Cart>(request, "cart", true, [&](const JsonValue& j) { return cart_from_json(*program_, j, "cart"); });
  auto at = read_at(request);
  refuse_unknown_fields(request, {"cart", "at"});
  if (!request.errors.empty()) return error_envelope(request.errors);
  return preview_order(member, *cart, *at);
}

std::string Engine::preview_order(MemberSession& member, const Cart& cart, TimeMs at) const {
  auto preview = member.preview_order(cart, at);
  if (!preview.ok()) return error_envelope(preview.errors());
  return ok_envelope(preview_json(*program_, preview.value()));
}

std::string Engine::preview_listing(MemberSession& member, Request& request) const {
  // Products are cart lines: the same rules, reported at "products[i]".
  auto products = request_field<Cart>(request, "products", true, [&](const JsonValue& j) {
    return cart_lines_from_json(*program_, j, "products");
  });
  auto at = read_at(request);
  refuse_unknown_fields(request, {"products", "at"});
  if (!request.errors.empty()) return error_envelope(request.errors);
  auto listing = member.preview_listing(*products, *at);
  if (!listing.ok()) return error_envelope(listing.errors());
  return ok_envelope(listing_json(*program_, listing.value()));
}

std::string Engine::tier_progress(MemberSession& member, Request& request) const {
  auto at = read_at(request);
  refuse_unknown_fields(request, {"at"});
  if (!request.errors.empty()) return error_envelope(request.errors);
  auto progress = member.tier_progress(*at);
  if (!progress.ok()) return error_envelope(progress.errors());
  return ok_envelope(progress_json(*program_, progress.value()));
}

std::string Engine::points_summary(MemberSession& member, Request& request) const {
  auto at = read_at(request);
  auto horizon = request_field<std::int64_t>(request, "horizon_days", false, [](const JsonValue& j) {
    return integer_field(j, "horizon_days", 0, kMaxDays);
  });
  refuse_unknown_fields(request, {"at", "horizon_days"});
  if (!request.errors.empty()) return error_envelope(request.errors);
  return answer(member.points_summary(*at, horizon.value_or(kDefaultHorizonDays)), +[](const PointsSummary& s) { return points_summary_json(s); });
}

std::string Engine::redemption_preview(MemberSession& member, Request& request) const {
  auto at = read_at(request);
  auto total = request_field<std::int64_t>(request, "order_total", true, [](const JsonValue& j) {
    return integer_field(j, "order_total", 0, kMaxSafeInteger);
  });
  refuse_unknown_fields(request, {"at", "order_total"});
  if (!request.errors.empty()) return error_envelope(request.errors);
  return answer(member.redemption_preview(*at, *total), &redemption_json);
}

std::string Engine::lifecycle(MemberSession& member, Request& request) const {
  auto at = read_at(request);
  refuse_unknown_fields(request, {"at"});
  if (!request.errors.empty()) return error_envelope(request.errors);
  return ok_envelope(lifecycle_json(member.lifecycle(*at)));
}

std::string Engine::state(MemberSession& member, Request& request) const {
  refuse_unknown_fields(request, {});
  if (!request.errors.empty()) return error_envelope(request.errors);
  return ok_envelope(state_json(*program_, member.state()));
}

namespace {

// An outcome's answer; the state only for stateless calls (a session keeps it).
std::string outcome_answer(const Program& program, const Request& request, const MemberState& state,
                           const std::vector<LedgerEntry>& ledger, const std::vector<Notice>& notices,
                           const bool* duplicate, const std::string* results) {
  JsonWriter w;
  w.begin_object();
  w.key("balances");
  write_balances(w, program, state);
  if (duplicate) w.field("duplicate", *duplicate);
  w.key("ledger");
  write_ledger(w, ledger);
  w.key("notices");
  write_notices(w, program, notices);
  if (results) w.key("results").raw(*results);
  if (request.stateless) {
    w.key("state");
    write_state(w, program, state);
  }
  w.end_object();
  return ok_envelope(w.take());
}

}  // namespace

std::string Engine::apply(MemberSession& member, Request& request) const {
  auto event = request_field<Event>(request, "event", true, [&](const JsonValue& j) {
    return event_from_json(*program_, j, "event");
  });
  refuse_unknown_fields(request, {"event"});
  if (!request.errors.empty()) return error_envelope(request.errors);
  auto outcome = member.apply(*event);
  if (!outcome.ok()) return error_envelope(outcome.errors());
  const Applied& o = outcome.value();
  return outcome_answer(*program_, request, member.state(), o.ledger, o.notices, &o.duplicate, nullptr);
}

std::string Engine::apply_events(MemberSession& member, Request& request) const {
  const JsonValue* events = request.json().find("events");
  if (!events) request.errors.push_back({"field.missing", "is required", "events"});
  else if (!events->is_array()) request.errors.push_back({"type.expected_array", "must be an array", "events"});
  refuse_unknown_fields(request, {"events"});
  if (!request.errors.empty()) return error_envelope(request.errors);

  std::vector<LedgerEntry> ledger;
  std::vector<Notice> notices;
  JsonWriter results;
  results.begin_array();
  for (std::size_t i = 0; i < events->size(); ++i) {
    const std::string path = "events[" + std::to_string(i) + "]";
    auto event = event_from_json(*program_, (*events)[i], path);
    auto outcome = event.ok() ? member.apply(event.value()) : Result<Applied>(event.errors());
    results.begin_object();
    if (!outcome.ok()) results.key("errors").raw(errors_json(outcome.errors()));
    const JsonValue* id = (*events)[i].find("id");
    results.field("id", id && id->is_string() ? id->str() : std::string_view(""));
    if (!outcome.ok()) {
      results.field("result", std::string_view("rejected")).end_object();
      continue;
    }
    Applied o = std::move(outcome).value();
    results.field("result", std::string_view(o.duplicate ? "duplicate" : "applied")).end_object();
    ledger.insert(ledger.end(), o.ledger.begin(), o.ledger.end());
    notices.insert(notices.end(), o.notices.begin(), o.notices.end());
  }
  results.end_array();
  const std::string results_text = results.take();
  return outcome_answer(*program_, request, member.state(), ledger, notices, nullptr, &results_text);
}

// Every operation by name, in the order hosts index them: its stateless
// form, its session form, or both (the session forms are the member
// operations).
struct OperationTable {
  using Stateless = std::string (Engine::*)(std::string_view) const;
  using Member = std::string (Engine::*)(MemberSession&, Request&) const;
  struct Entry {
    std::string_view name;
    Stateless stateless;
    Member member;
  };

  static const std::vector<Entry>& entries() {
    static const std::vector<Entry> table = {
        {"preview_order", &Engine::preview_order, &Engine::preview_order},
        {"preview_listing", &Engine::preview_listing, &Engine::preview_listing},
        {"tier_progress", &Engine::tier_progress, &Engine::tier_progress},
        {"points_summary", &Engine::points_summary, &Engine::points_summary},
        {"redemption_preview", &Engine::redemption_preview, &Engine::redemption_preview},
        {"lifecycle", &Engine::lifecycle, &Engine::lifecycle},
        {"checkin_calendar", &Engine::checkin_calendar, &Engine::checkin_calendar},
        {"task_overview", &Engine::task_overview, &Engine::task_overview},
        {"mall_catalog", &Engine::mall_catalog, &Engine::mall_catalog},
        {"segments", &Engine::segments, &Engine::segments},
        {"box_odds", &Engine::box_odds, nullptr},
        {"verify_draw", &Engine::verify_draw, nullptr},
        {"simulate_draws", &Engine::simulate_draws, nullptr},
        {"digest", &Engine::digest, nullptr},
        {"apply", &Engine::apply, &Engine::apply},
        {"apply_events", &Engine::apply_events, &Engine::apply_events},
        {"state", nullptr, &Engine::state},
    };
    return table;
  }

  // The names of the operations with a stateless (or a session) form.
  static std::vector<std::string_view> names(bool member) {
    std::vector<std::string_view> n;
    for (const Entry& e : entries()) {
      if (member ? e.member != nullptr : e.stateless != nullptr) n.push_back(e.name);
    }
    return n;
  }

  static const Entry* find(std::string_view op) {
    for (const Entry& e : entries()) {
      if (e.name == op) return &e;
    }
    return nullptr;
  }
};

namespace {

std::string unknown_op(const std::vector<std::string_view>& names) {
  std::string known;
  for (std::string_view name : names) known += (known.empty() ? "" : ", ") + std::string(name);
  return error_envelope({{"request.unknown_op", "unknown operation; one of " + known, "op"}});
}

}  // namespace

// The stateless member operations: each is its session form on the request's state.
std::string Engine::preview_order(std::string_view r) const { return stateless(r, false, &Engine::preview_order); }
std::string Engine::preview_listing(std::string_view r) const { return stateless(r, false, &Engine::preview_listing); }
std::string Engine::tier_progress(std::string_view r) const { return stateless(r, true, &Engine::tier_progress); }
std::string Engine::points_summary(std::string_view r) const { return stateless(r, true, &Engine::points_summary); }
std::string Engine::redemption_preview(std::string_view r) const {
  return stateless(r, true, &Engine::redemption_preview);
}
std::string Engine::lifecycle(std::string_view r) const { return stateless(r, true, &Engine::lifecycle); }
std::string Engine::checkin_calendar(std::string_view r) const { return stateless(r, true, &Engine::checkin_calendar); }
std::string Engine::task_overview(std::string_view r) const { return stateless(r, true, &Engine::task_overview); }
std::string Engine::apply(std::string_view r) const { return stateless(r, true, &Engine::apply); }
std::string Engine::apply_events(std::string_view r) const { return stateless(r, true, &Engine::apply_events); }

const std::vector<std::string_view>& Engine::operations() {
  static const std::vector<std::string_view> names = OperationTable::names(false);
  return names;
}

std::string Engine::call(std::string_view op, std::string_view request_json) const {
  const OperationTable::Entry* e = OperationTable::find(op);
  if (!e || !e->stateless) return unknown_op(operations());
  return (this->*e->stateless)(request_json);
}

const std::vector<std::string_view>& Engine::member_operations() {
  static const std::vector<std::string_view> names = OperationTable::names(true);
  return names;
}

std::string Engine::call(MemberSession& member, std::string_view op, std::string_view request_json) const {
  const OperationTable::Entry* e = OperationTable::find(op);
  if (!e || !e->member) return unknown_op(member_operations());  // before reading the request
  Request request = parse_request(request_json);
  if (!request.errors.empty()) return error_envelope(request.errors);
  return (this->*e->member)(member, request);
}

std::string Engine::call(MemberSession& member, std::string_view op, TimeMs at) const {
  const OperationTable::Entry* e = OperationTable::find(op);
  if (!e || !e->member) return unknown_op(member_operations());
  const std::string text = "{\"at\":" + std::to_string(at) + "}";
  Request request = parse_request(text);
  return (this->*e->member)(member, request);
}

}  // namespace loyalty
