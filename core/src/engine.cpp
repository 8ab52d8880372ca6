#include "loyalty/engine.hpp"

#include "loyalty/json_codec.hpp"
#include "loyalty/order_preview.hpp"
#include "loyalty/tier_progress.hpp"

namespace loyalty {

namespace {

std::string ok_envelope(const std::string& value_json) {
  return "{\"ok\":true,\"value\":" + value_json + "}";
}

Result<Program> load_program(std::string_view program_json) {
  auto json = parse_json(program_json);
  if (!json.ok()) return json.errors();
  return program_from_json(json.value());
}

// The parts of a query request, read with every error collected.
struct Request {
  Json json;
  Errors errors;
};

Request parse_request(std::string_view text) {
  auto parsed = parse_json(text);
  if (!parsed.ok()) return {Json(), parsed.errors()};
  Request request{std::move(parsed).value(), {}};
  if (!request.json.is_object()) {
    request.errors.push_back({"type.expected_object", "the request must be a JSON object", ""});
  }
  return request;
}

void append(Errors& to, const Errors& from) { to.insert(to.end(), from.begin(), from.end()); }

// Reads request[key] with `read`, or notes it missing; unknown keys are refused.
template <typename T, typename Read>
std::optional<T> request_field(Request& request, const char* key, bool required, Read read) {
  auto it = request.json.find(key);
  if (it == request.json.end()) {
    if (required) request.errors.push_back({"field.missing", "is required", key});
    return std::nullopt;
  }
  auto result = read(*it);
  if (!result.ok()) {
    append(request.errors, result.errors());
    return std::nullopt;
  }
  return std::move(result).value();
}

void refuse_unknown_fields(Request& request, std::initializer_list<const char*> known) {
  for (const auto& [key, value] : request.json.items()) {
    bool is_known = false;
    for (const char* k : known) is_known = is_known || key == k;
    if (!is_known) request.errors.push_back({"field.unknown", "is not a known field", key});
  }
}

}  // namespace

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
  auto state = request_field<MemberState>(request, "state", false, [&](const Json& j) {
    return member_state_from_json(program_, j, "state");
  });
  auto cart = request_field<Cart>(request, "cart", true, [&](const Json& j) {
    return cart_from_json(program_, j, "cart");
  });
  auto at = request_field<TimeMs>(request, "at", true,
                                  [](const Json& j) { return time_from_json(j, "at"); });
  refuse_unknown_fields(request, {"state", "cart", "at"});
  if (!request.errors.empty()) return error_envelope(request.errors);

  auto preview = loyalty::preview_order(program_, state.value_or(MemberState{}), *cart, *at);
  if (!preview.ok()) return error_envelope(preview.errors());
  return ok_envelope(preview_json(program_, preview.value()));
}

std::string Engine::tier_progress(std::string_view request_json) const {
  Request request = parse_request(request_json);
  if (!request.errors.empty()) return error_envelope(request.errors);
  auto state = request_field<MemberState>(request, "state", true, [&](const Json& j) {
    return member_state_from_json(program_, j, "state");
  });
  refuse_unknown_fields(request, {"state"});
  if (!request.errors.empty()) return error_envelope(request.errors);

  auto progress = loyalty::tier_progress(program_, *state);
  if (!progress.ok()) return error_envelope(progress.errors());
  return ok_envelope(progress_json(program_, progress.value()));
}

}  // namespace loyalty
