#include "loyalty/engine.hpp"

#include "engine_request.hpp"
#include "json_reader.hpp"
#include "writers.hpp"
#include "loyalty/apply.hpp"
#include "loyalty/queries.hpp"

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

std::string Engine::check_program(std::string_view program_json) {
  auto program = load_program(program_json);
  if (!program.ok()) return error_envelope(program.errors());
  return ok_envelope(to_json(program.value()).dump());
}

std::string Engine::program_summary() const { return ok_envelope(to_json(program_).dump()); }

std::string Engine::preview_order(std::string_view request_json) const {
  Request request = parse_request(request_json);
  if (!request.errors.empty()) return error_envelope(request.errors);
  // Read in the request's own order, so errors come in that order.
  auto state = request_field<MemberState>(request, "state", false, [&](const Json& j) {
    return member_state_from_json(program_, j, "state");
  });
  auto cart = request_field<Cart>(request, "cart", true, [&](const Json& j) { return cart_from_json(program_, j, "cart"); });
  auto at = request_field<TimeMs>(request, "at", true, [](const Json& j) { return time_from_json(j, "at"); });
  refuse_unknown_fields(request, {"state", "cart", "at"});
  if (!request.errors.empty()) return error_envelope(request.errors);

  auto preview = loyalty::preview_order(program_, state.value_or(MemberState{}), *cart, *at);
  if (!preview.ok()) return error_envelope(preview.errors());
  return ok_envelope(preview_json(program_, preview.value()));
}

std::string Engine::preview_listing(std::string_view request_json) const {
  Request request = parse_request(request_json);
  if (!request.errors.empty()) return error_envelope(request.errors);
  auto state = request_field<MemberState>(request, "state", false, [&](const Json& j) {
    return member_state_from_json(program_, j, "state");
  });
  // Products are cart lines: the same rules, reported at "products[i]".
  auto products = request_field<Cart>(request, "products", true, [&](const Json& j) {
    return cart_lines_from_json(program_, j, "products");
  });
  auto at = request_field<TimeMs>(request, "at", true, [](const Json& j) { return time_from_json(j, "at"); });
  refuse_unknown_fields(request, {"state", "products", "at"});
  if (!request.errors.empty()) return error_envelope(request.errors);
  auto listing = loyalty::preview_listing(program_, state.value_or(MemberState{}), *products, *at);
  if (!listing.ok()) return error_envelope(listing.errors());
  return ok_envelope(listing_json(program_, listing.value()));
}

std::string Engine::tier_progress(std::string_view request_json) const {
  Request request = parse_request(request_json);
  if (!request.errors.empty()) return error_envelope(request.errors);
  QueryFields f = read_state_and_time(program_, request);
  refuse_unknown_fields(request, {"state", "at"});
  if (!request.errors.empty()) return error_envelope(request.errors);
  auto brought = state_at(program_, *f.state, *f.at);
  if (!brought.ok()) return error_envelope(brought.errors());
  auto progress = loyalty::tier_progress(program_, brought.value(), *f.at);
  if (!progress.ok()) return error_envelope(progress.errors());
  return ok_envelope(progress_json(program_, progress.value()));
}

std::string Engine::points_summary(std::string_view request_json) const {
  Request request = parse_request(request_json);
  if (!request.errors.empty()) return error_envelope(request.errors);
  QueryFields f = read_state_and_time(program_, request);
  auto horizon = request_field<std::int64_t>(request, "horizon_days", false, [](const Json& j) {
    return integer_field(j, "horizon_days", 0, kMaxDays);
  });
  refuse_unknown_fields(request, {"state", "at", "horizon_days"});
  if (!request.errors.empty()) return error_envelope(request.errors);
  return answer(loyalty::points_summary(program_, *f.state, *f.at, horizon.value_or(30)), &points_summary_json);
}

std::string Engine::redemption_preview(std::string_view request_json) const {
  Request request = parse_request(request_json);
  if (!request.errors.empty()) return error_envelope(request.errors);
  QueryFields f = read_state_and_time(program_, request);
  auto total = request_field<std::int64_t>(request, "order_total", true, [](const Json& j) {
    return integer_field(j, "order_total", 0, kMaxSafeInteger);
  });
  refuse_unknown_fields(request, {"state", "at", "order_total"});
  if (!request.errors.empty()) return error_envelope(request.errors);
  return answer(loyalty::redemption_preview(program_, *f.state, *f.at, *total), &redemption_json);
}

std::string Engine::lifecycle(std::string_view request_json) const {
  Request request = parse_request(request_json);
  if (!request.errors.empty()) return error_envelope(request.errors);
  QueryFields f = read_state_and_time(program_, request);
  refuse_unknown_fields(request, {"state", "at"});
  if (!request.errors.empty()) return error_envelope(request.errors);
  return ok_envelope(lifecycle_json(loyalty::lifecycle(program_, *f.state, *f.at)));
}

std::string Engine::apply(std::string_view request_json) const {
  Request request = parse_request(request_json);
  if (!request.errors.empty()) return error_envelope(request.errors);
  auto state = request_field<MemberState>(request, "state", true, [&](const Json& j) {
    return member_state_from_json(program_, j, "state");
  });
  auto event = request_field<Event>(request, "event", true, [&](const Json& j) {
    return event_from_json(program_, j, "event");
  });
  refuse_unknown_fields(request, {"state", "event"});
  if (!request.errors.empty()) return error_envelope(request.errors);
  auto outcome = loyalty::apply(program_, *state, *event);
  if (!outcome.ok()) return error_envelope(outcome.errors());
  return ok_envelope(outcome_json(program_, outcome.value()));
}

std::string Engine::apply_events(std::string_view request_json) const {
  Request request = parse_request(request_json);
  if (!request.errors.empty()) return error_envelope(request.errors);
  auto state = request_field<MemberState>(request, "state", true, [&](const Json& j) {
    return member_state_from_json(program_, j, "state");
  });
  const auto events = request.json.find("events");
  if (events == request.json.end()) request.errors.push_back({"field.missing", "is required", "events"});
  else if (!events->is_array()) request.errors.push_back({"type.expected_array", "must be an array", "events"});
  refuse_unknown_fields(request, {"state", "events"});
  if (!request.errors.empty()) return error_envelope(request.errors);

  Outcome total;
  total.state = *state;
  JsonWriter results;
  results.begin_array();
  for (std::size_t i = 0; i < events->size(); ++i) {
    const std::string path = "events[" + std::to_string(i) + "]";
    auto event = event_from_json(program_, (*events)[i], path);
    auto outcome = event.ok() ? loyalty::apply(program_, total.state, event.value()) : Result<Outcome>(event.errors());
    results.begin_object();
    if (!outcome.ok()) results.key("errors").raw(errors_json(outcome.errors()));
    const Json* id = (*events)[i].is_object() ? &(*events)[i] : nullptr;
    const auto id_it = id ? id->find("id") : Json::const_iterator();
    results.field("id", std::string_view(id && id_it != id->end() && id_it->is_string() ? id_it->get_ref<const std::string&>() : std::string()));
    if (!outcome.ok()) {
      results.field("result", std::string_view("rejected")).end_object();
      continue;
    }
    Outcome o = std::move(outcome).value();
    results.field("result", std::string_view(o.duplicate ? "duplicate" : "applied")).end_object();
    total.state = std::move(o.state);
    total.ledger.insert(total.ledger.end(), o.ledger.begin(), o.ledger.end());
    total.notices.insert(total.notices.end(), o.notices.begin(), o.notices.end());
  }
  results.end_array();

  JsonWriter w;
  w.begin_object();
  w.key("balances");
  write_balances(w, program_, total.state);
  w.key("ledger");
  write_ledger(w, total.ledger);
  w.key("notices");
  write_notices(w, program_, total.notices);
  w.key("results").raw(results.take());
  w.key("state");
  write_state(w, program_, total.state);
  w.end_object();
  return ok_envelope(w.take());
}

namespace {

using Operation = std::string (Engine::*)(std::string_view) const;

const std::vector<std::pair<std::string_view, Operation>>& operation_table() {
  static const std::vector<std::pair<std::string_view, Operation>> table = {
      {"preview_order", &Engine::preview_order},
      {"preview_listing", &Engine::preview_listing},
      {"tier_progress", &Engine::tier_progress},
      {"points_summary", &Engine::points_summary},
      {"redemption_preview", &Engine::redemption_preview},
      {"lifecycle", &Engine::lifecycle},
      {"checkin_calendar", &Engine::checkin_calendar},
      {"task_overview", &Engine::task_overview},
      {"box_odds", &Engine::box_odds},
      {"verify_draw", &Engine::verify_draw},
      {"simulate_draws", &Engine::simulate_draws},
      {"digest", &Engine::digest},
      {"apply", &Engine::apply},
      {"apply_events", &Engine::apply_events},
  };
  return table;
}

}  // namespace

const std::vector<std::string_view>& Engine::operations() {
  static const std::vector<std::string_view> names = [] {
    std::vector<std::string_view> n;
    for (const auto& [name, op] : operation_table()) n.push_back(name);
    return n;
  }();
  return names;
}

std::string Engine::call(std::string_view op, std::string_view request_json) const {
  for (const auto& [name, operation] : operation_table()) {
    if (name == op) return (this->*operation)(request_json);
  }
  std::string known;
  for (std::string_view name : operations()) known += (known.empty() ? "" : ", ") + std::string(name);
  return error_envelope({{"request.unknown_op", "unknown operation; one of " + known, "op"}});
}

}  // namespace loyalty
