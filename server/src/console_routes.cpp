// The console's own endpoints: sign-in into a session cookie, the session,
// sign-out and the audit log (/v1/console/...). Operators call the merchant
// endpoints their role allows through ApiRoutes::authorize.
#include <string>

#include "api_routes.hpp"
#include "http_server.hpp"

namespace loyalty::server {

namespace {

// What the console knows of its operator: name, role, what the role may do,
// the CSRF token for changes and when the session ends.
std::string session_json(const OperatorSession& s) {
  return Json{{"csrf_token", s.csrf_token}, {"expires_at", s.expires_at}, {"name", s.name},
              {"permissions", permissions_of(s.role)}, {"role", s.role}}.dump();
}

// HTTP-only (no script reads it), SameSite=Strict (no other site's page
// sends it), for the API only; Secure behind a proxy that terminates TLS.
std::string session_cookie(const httplib::Request& req, const std::string& value, std::int64_t max_age_s) {
  std::string cookie = std::string(OperatorDesk::kCookie) + "=" + value + "; Path=/v1; HttpOnly; SameSite=Strict; Max-Age=" +
                       std::to_string(max_age_s);
  if (req.get_header_value("X-Forwarded-Proto") == "https") cookie += "; Secure";
  return cookie;
}

}  // namespace

void ApiRoutes::install_console(httplib::Server& server) {
  server.Post("/v1/console/sign-in", [this](const httplib::Request& req, httplib::Response& res) {
    const std::int64_t now = now_ms();
    if (std::int64_t wait = ip_limit_->take("ip:" + req.remote_addr, now)) {
      return send_answer(res, rate_limited_answer("from this address", wait));
    }
    Json request;
    if (auto refused = parse_object(req.body, request)) return send_answer(res, *refused);
    Errors errors = unknown_fields(request, {"name", "password"});
    for (const char* field : {"name", "password"}) {
      if (!request.contains(field)) errors.push_back({"field.missing", "is required", field});
      else if (!request[field].is_string()) errors.push_back({"type.expected_string", "must be a string", field});
    }
    if (!errors.empty()) return send_answer(res, {400, error_envelope(errors)});
    const SignIn signed_in = operators_.sign_in(request["name"].get<std::string>(),
                                                request["password"].get_ref<const std::string&>(), now);
    if (!signed_in.session) {
      if (signed_in.refusal == "operator.locked") {
        res.set_header("Retry-After", std::to_string(signed_in.retry_after_s));
        return send_answer(res, error_answer(429, "operator.locked", "too many failed sign-ins; retry after " +
                                                                  std::to_string(signed_in.retry_after_s) + " s"));
      }
      return send_answer(res, error_answer(401, "operator.bad_credentials", "no operator has this name and password"));
    }
    res.set_header("Set-Cookie", session_cookie(req, signed_in.cookie_token, operators_.policy().session_ms / 1000));
    send_answer(res, {200, session_json(*signed_in.session)});
  });
  // The signed-in operator (after a reload, the page learns its CSRF token here).
  server.Get("/v1/console/session", [this](const httplib::Request& req, httplib::Response& res) {
    std::optional<OperatorSession> who;
    if (auto refused = authorize(req, res, Permission::read, who)) return send_answer(res, *refused);
    if (!who) return send_answer(res, error_answer(403, "auth.forbidden", "the merchant key has no console session"));
    send_answer(res, {200, session_json(*who)});
  });
  server.Post("/v1/console/sign-out", [this](const httplib::Request& req, httplib::Response& res) {
    std::optional<OperatorSession> who;
    if (auto refused = authorize(req, res, Permission::read, who)) return send_answer(res, *refused);
    if (!who) return send_answer(res, error_answer(403, "auth.forbidden", "the merchant key has no console session"));
    operators_.sign_out(*who, now_ms());
    res.set_header("Set-Cookie", session_cookie(req, "", 0));
    send_answer(res, {200, Json{{"signed_out", true}}.dump()});
  });
  // The audit log of operator actions, oldest first, a page at a time.
  server.Get("/v1/console/audit", [this](const httplib::Request& req, httplib::Response& res) {
    if (auto refused = authorize(req, res, Permission::read)) return send_answer(res, *refused);
    auto p = page(req);
    if (!p) return send_answer(res, kBadPage);
    std::string rows = "[";
    for (const OperatorAuditRow& row : store_.operator_audit(p->first, p->second)) {
      if (rows.size() > 1) rows += ',';
      rows += audit_row_json(row);
    }
    send_answer(res, {200, "{\"rows\":" + rows + "]}"});
  });
}

}  // namespace loyalty::server
