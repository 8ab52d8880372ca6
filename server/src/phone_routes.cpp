// A member's phone, for finding the member at the console's desk: set (or
// cleared) by the merchant's backend or customer service, looked up by
// whoever may read members. The store keeps the phone's keyed digest only
// (member_phones.hpp); the audit log keeps its last four digits.
#include <string>

#include "api_routes.hpp"
#include "http_server.hpp"
#include "member_phones.hpp"

namespace loyalty::server {

namespace {

const HttpAnswer kBadPhone =
    error_answer(400, "member.invalid_phone", "a phone is 5 to 20 digits, with an optional leading + and separators", "phone");

Json ending_json(const std::optional<std::string>& ending) { return ending ? Json(*ending) : Json(nullptr); }

}  // namespace

void ApiRoutes::install_phones(httplib::Server& server) {
  // GET /v1/members?phone=…: the member with this phone.
  server.Get("/v1/members", [this](const httplib::Request& req, httplib::Response& res) {
    if (auto refused = authorize(req, res, Permission::read)) return send_answer(res, *refused);
    const auto phone = normalize_phone(req.get_param_value("phone"));
    if (!phone) return send_answer(res, kBadPhone);
    const auto member = store_.member_by_phone(tokens_.phone_digest(*phone));
    if (!member) return send_answer(res, error_answer(404, "member.unknown", "no member has this phone"));
    send_answer(res, {200, Json{{"member_id", *member}, {"phone_ending", phone_ending(*phone)}}.dump()});
  });
  // The member's phone's last four digits (null without a phone).
  server.Get(R"(/v1/members/([^/]+)/phone)", [this](const httplib::Request& req, httplib::Response& res) {
    if (auto refused = authorize(req, res, Permission::read)) return send_answer(res, *refused);
    const std::string member_id = req.matches[1];
    if (!store_.read_member(member_id)) return send_answer(res, error_answer(404, "member.unknown", "no member has this id"));
    send_answer(res, {200, Json{{"member_id", member_id}, {"phone_ending", ending_json(store_.member_phone_ending(member_id))}}.dump()});
  });
  // PUT /v1/members/{id}/phone {"phone": "…" | null}
  server.Put(R"(/v1/members/([^/]+)/phone)", [this](const httplib::Request& req, httplib::Response& res) {
    std::optional<OperatorSession> who;
    if (auto refused = authorize(req, res, Permission::help_members, who)) return send_answer(res, *refused);
    const std::string member_id = req.matches[1];
    Json request;
    if (auto refused = parse_object(req.body, request)) return send_answer(res, *refused);
    if (Errors unknown = unknown_fields(request, {"phone"}); !unknown.empty()) return send_answer(res, {400, error_envelope(unknown)});
    if (!request.contains("phone")) return send_answer(res, error_answer(400, "field.missing", "is required (null clears it)", "phone"));
    const Json& given = request["phone"];
    std::optional<std::string> phone;
    if (!given.is_null()) {
      if (given.is_string()) phone = normalize_phone(given.get_ref<const std::string&>());
      if (!phone) return send_answer(res, kBadPhone);
    }
    if (!store_.read_member(member_id)) return send_answer(res, error_answer(404, "member.unknown", "no member has this id"));
    const auto before = store_.member_phone_ending(member_id);
    if (!phone) {
      store_.clear_member_phone(member_id);
    } else if (!store_.set_member_phone(member_id, tokens_.phone_digest(*phone), phone_ending(*phone))) {
      return send_answer(res, error_answer(409, "member.phone_taken", "another member has this phone", "phone"));
    }
    const Json after = ending_json(phone ? std::optional<std::string>(phone_ending(*phone)) : std::nullopt);
    audit(who, "member_phone_set", member_id, Json{{"phone_ending", ending_json(before)}}.dump(), Json{{"phone_ending", after}}.dump());
    send_answer(res, {200, Json{{"member_id", member_id}, {"phone_ending", after}}.dump()});
  });
}

}  // namespace loyalty::server
