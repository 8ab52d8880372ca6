// Programme drafts kept on the server (/v1/program/drafts/...), so that an
// editor's work survives the browser and another editor or the publisher
// can open it. A draft is saved as the editor left it, valid or not; its
// problems (the core's check) come with it. Each save names the revision it
// replaces: a save over someone else's newer one is refused, not lost.
#include <string>

#include "api_routes.hpp"
#include "http_server.hpp"

namespace loyalty::server {

namespace {

Json draft_json(const DraftRow& row) {
  return Json{{"base_version", row.base_version}, {"name", row.name}, {"revision", row.revision},
              {"saved_at", row.saved_at}, {"saved_by", row.saved_by}};
}

// The core's check of a draft's programme: [] when it would publish as it is
// (apart from the version conflicts publishing checks).
std::string problems_of(const std::string& program_text) {
  auto engine = Engine::load(program_text);
  return engine.ok() ? "[]" : errors_json(engine.errors());
}

std::optional<HttpAnswer> bad_name(const std::string& name) {
  if (SyncService::valid_member_id(name)) return std::nullopt;
  return error_answer(400, "draft.invalid_name", "a draft's name is 1 to 64 letters, digits or -_.:@");
}

}  // namespace

void ApiRoutes::install_drafts(httplib::Server& server) {
  server.Get("/v1/program/drafts", [this](const httplib::Request& req, httplib::Response& res) {
    if (auto refused = authorize(req, res, Permission::read)) return send_answer(res, *refused);
    Json list = Json::array();
    for (const DraftRow& row : store_.drafts()) list.push_back(draft_json(row));
    send_answer(res, {200, Json{{"drafts", list}}.dump()});
  });
  server.Get(R"(/v1/program/drafts/([^/]+))", [this](const httplib::Request& req, httplib::Response& res) {
    if (auto refused = authorize(req, res, Permission::read)) return send_answer(res, *refused);
    const std::string name = req.matches[1];
    if (auto refused = bad_name(name)) return send_answer(res, *refused);
    const auto row = store_.draft(name);
    if (!row) return send_answer(res, error_answer(404, "draft.unknown", "no draft has this name"));
    std::string body = draft_json(*row).dump();
    body.pop_back();  // the object, with the programme and its problems added as they are stored
    send_answer(res, {200, body + ",\"problems\":" + problems_of(row->program) + ",\"program\":" + row->program + "}"});
  });
  server.Put(R"(/v1/program/drafts/([^/]+))", [this](const httplib::Request& req, httplib::Response& res) {
    std::optional<OperatorSession> who;
    if (auto refused = authorize(req, res, Permission::draft, who)) return send_answer(res, *refused);
    const std::string name = req.matches[1];
    if (auto refused = bad_name(name)) return send_answer(res, *refused);
    Json request;
    if (auto refused = parse_object(req.body, request)) return send_answer(res, *refused);
    Errors errors = unknown_fields(request, {"program", "revision", "base_version"});
    if (!request.contains("program")) errors.push_back({"field.missing", "is required", "program"});
    else if (!request["program"].is_object()) errors.push_back({"type.expected_object", "must be an object", "program"});
    const auto whole = [&](const char* field, std::int64_t fallback) {
      if (!request.contains(field)) return fallback;
      const Json& v = request[field];
      if (v.is_number_integer() && v.get<std::int64_t>() >= 0) return v.get<std::int64_t>();
      errors.push_back({"type.expected_integer", "must be a whole number, 0 or more", field});
      return fallback;
    };
    const std::int64_t now = now_ms();
    const std::int64_t revision = whole("revision", 0);
    const std::int64_t base_version = whole("base_version", programs_.in_force(now)->version());
    if (!errors.empty()) return send_answer(res, {400, error_envelope(errors)});
    const DraftRow row{name, base_version, request["program"].dump(), who ? who->name : "merchant", now, revision + 1};
    if (!store_.save_draft(row, revision)) {
      const auto stored = store_.draft(name);
      return send_answer(res, error_answer(409, "draft.changed",
                                           stored ? "saved meanwhile by " + stored->saved_by + " as revision " +
                                                        std::to_string(stored->revision) + "; open it again before saving"
                                                  : "the draft was deleted meanwhile; save it as revision 0"));
    }
    audit(who, "draft_saved", name, Json{{"revision", revision}}.dump(),
          Json{{"base_version", base_version}, {"revision", revision + 1}}.dump());
    std::string answer = draft_json(row).dump();
    answer.pop_back();
    send_answer(res, {200, answer + ",\"problems\":" + problems_of(row.program) + "}"});
  });
  server.Delete(R"(/v1/program/drafts/([^/]+))", [this](const httplib::Request& req, httplib::Response& res) {
    std::optional<OperatorSession> who;
    if (auto refused = authorize(req, res, Permission::draft, who)) return send_answer(res, *refused);
    const std::string name = req.matches[1];
    if (auto refused = bad_name(name)) return send_answer(res, *refused);
    const auto before = store_.draft(name);
    if (!before || !store_.delete_draft(name)) return send_answer(res, error_answer(404, "draft.unknown", "no draft has this name"));
    audit(who, "draft_deleted", name, Json{{"revision", before->revision}}.dump(), "null");
    send_answer(res, {200, Json{{"deleted", name}}.dump()});
  });
}

}  // namespace loyalty::server
