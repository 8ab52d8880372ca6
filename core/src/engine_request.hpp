// Reading an engine request: every field with its path, every error
// collected, unknown fields refused. Internal to the core.
#pragma once

#include <initializer_list>
#include <optional>
#include <string>

#include "json_reader.hpp"
#include "loyalty/engine.hpp"
#include "loyalty/json_codec.hpp"

namespace loyalty {

inline std::string ok_envelope(const std::string& value_json) {
  return "{\"ok\":true,\"value\":" + value_json + "}";
}

inline Result<Program> load_program(std::string_view program_json) {
  auto doc = JsonDocument::parse(program_json);
  if (!doc.ok()) return doc.errors();
  return program_from_json(doc.value().root());
}

// The parts of a query request, read with every error collected.
// The request's text must outlive it.
struct Request {
  JsonDocument doc;
  Errors errors;
  // A stateless call: the state came with the request (and was read apart),
  // and apply's answer carries the new one.
  bool stateless = false;

  const JsonValue& json() const { return doc.root(); }
};

inline Request parse_request(std::string_view text) {
  auto parsed = JsonDocument::parse(text);
  if (!parsed.ok()) return {JsonDocument(), parsed.errors()};
  Request request{std::move(parsed).value(), {}};
  if (!request.json().is_object()) {
    request.errors.push_back({"type.expected_object", "the request must be a JSON object", ""});
  }
  return request;
}

inline void append(Errors& to, const Errors& from) { to.insert(to.end(), from.begin(), from.end()); }

// Reads request[key] with `read`, or notes it missing; unknown keys are refused.
template <typename T, typename Read>
std::optional<T> request_field(Request& request, const char* key, bool required, Read read) {
  const JsonValue* it = request.json().find(key);
  if (!it) {
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

inline void refuse_unknown_fields(Request& request, std::initializer_list<const char*> known) {
  for (const auto& [key, value] : request.json().items()) {
    if (request.stateless && key == "state") continue;
    bool is_known = false;
    for (const char* k : known) is_known = is_known || key == k;
    if (!is_known) request.errors.push_back({"field.unknown", "is not a known field", std::string(key)});
  }
}

// Reads the time a query is about.
inline std::optional<TimeMs> read_at(Request& request) {
  return request_field<TimeMs>(request, "at", true, [](const JsonValue& j) { return time_from_json(j, "at"); });
}

inline Result<std::int64_t> integer_field(const JsonValue& j, const char* path, std::int64_t min, std::int64_t max) {
  Errors errors;
  json_reader::ValueReader reader(errors);
  auto v = reader.integer(j, path, min, max);
  if (!v) return errors;
  return *v;
}

template <typename T>
std::string answer(const Result<T>& result, std::string (*write)(const T&)) {
  if (!result.ok()) return error_envelope(result.errors());
  return ok_envelope(write(result.value()));
}

}  // namespace loyalty
