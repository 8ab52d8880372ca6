// The readers on nlohmann's tree, for hosts that hold one: the tree is
// viewed as a document (no string copied) and read as parsed text is.
#include "loyalty/json_codec.hpp"

namespace loyalty {

Result<Program> program_from_json(const Json& json) { return program_from_json(JsonDocument::from(json).root()); }

Result<MemberState> member_state_from_json(const Program& program, const Json& json, const std::string& path) {
  return member_state_from_json(program, JsonDocument::from(json).root(), path);
}

Result<Cart> cart_from_json(const Program& program, const Json& json, const std::string& path) {
  return cart_from_json(program, JsonDocument::from(json).root(), path);
}

Result<Cart> cart_lines_from_json(const Program& program, const Json& lines, const std::string& path) {
  return cart_lines_from_json(program, JsonDocument::from(lines).root(), path);
}

Result<Event> event_from_json(const Program& program, const Json& json, const std::string& path) {
  return event_from_json(program, JsonDocument::from(json).root(), path);
}

Result<TimeMs> time_from_json(const Json& json, const std::string& path) {
  return time_from_json(JsonDocument::from(json).root(), path);
}

Result<DrawInput> draw_input_from_json(const Program& program, const Json& json, const std::string& path) {
  return draw_input_from_json(program, JsonDocument::from(json).root(), path);
}

}  // namespace loyalty
