#include "api_routes.hpp"

#include <chrono>

#include "loyalty/sha256.hpp"
#include "history_simulation.hpp"
#include "http_server.hpp"

namespace loyalty::server {

void send_answer(httplib::Response& res, const HttpAnswer& answer) { send_answer(res, HttpAnswer(answer)); }

void send_answer(httplib::Response& res, HttpAnswer&& answer) {
  res.status = answer.status;
  if (answer.retry_after_seconds) res.set_header("Retry-After", std::to_string(answer.retry_after_seconds));
  // What set_content does, less its copy of the body (a member's snapshot: ~14 KB with a year of history).
  res.body = std::move(answer.body);
  res.headers.erase("Content-Type");
  res.set_header("Content-Type", kJsonType);
}

std::optional<std::pair<std::int64_t, std::int64_t>> page(const httplib::Request& req) {
  auto number = [&](const char* key, std::int64_t fallback) -> std::optional<std::int64_t> {
    if (!req.has_param(key)) return fallback;
    const std::string text = req.get_param_value(key);
    if (text.empty() || text.size() > 15 || text.find_first_not_of("0123456789") != std::string::npos) return {};
    return std::stoll(text);
  };
  auto after = number("after", 0);
  auto limit = number("limit", 100);
  if (!after || !limit || *limit < 1 || *limit > 1000) return std::nullopt;
  return std::make_pair(*after, *limit);
}

const HttpAnswer kBadPage = error_answer(400, "request.bad_page", "after >= 0 and 1 <= limit <= 1000", "limit");

namespace {

std::unique_ptr<RateLimiter> rate_limiter(Store& store, RateBucket bucket, std::int64_t per_minute) {
  if (store.shares_rate_limits()) return std::make_unique<SharedRateLimiter>(store, bucket, per_minute);
  return std::make_unique<LocalRateLimiter>(per_minute);
}

}  // namespace

ApiRoutes::ApiRoutes(SyncService& sync, Store& store, ProgramVersions& programs, const MemberTokens& tokens,
                     ApiSettings settings)
    : sync_(sync), store_(store), programs_(programs), tokens_(tokens), settings_(std::move(settings)),
      member_limit_(rate_limiter(store, RateBucket::member, settings_.member_rate_per_minute)),
      ip_limit_(rate_limiter(store, RateBucket::address, settings_.ip_rate_per_minute)), operators_(store) {}

std::int64_t now_ms() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

std::optional<HttpAnswer> ApiRoutes::authenticate(const httplib::Request& req, Role role, std::string& member_id,
                                                  httplib::Response& res, MemberChecks* deferred) {
  const std::int64_t now = now_ms();
  if (role == Role::member) {
    if (std::int64_t wait = ip_limit_->take("ip:" + req.remote_addr, now)) {
      return rate_limited_answer("from this address", wait);
    }
  }
  const std::string header = req.get_header_value("Authorization");
  const std::string bearer = "Bearer ";
  if (header.rfind(bearer, 0) != 0) {
    res.set_header("WWW-Authenticate", "Bearer");
    return error_answer(401, "auth.missing", "send Authorization: Bearer <token or merchant key>");
  }
  const std::string credential = header.substr(bearer.size());
  if (MemberTokens::looks_like_token(credential)) {
    const TokenCheck check = tokens_.verify(credential, now);
    if (!check.error_code.empty()) {
      return error_answer(401, check.error_code,
                          check.error_code == "auth.expired" ? "the token has expired; log in again" : "the token is not valid");
    }
    if (role != Role::member) return error_answer(403, "auth.forbidden", "a member token cannot call merchant endpoints");
    // Checked on every request, so that a revocation holds on every server
    // at once: here, or by the caller in the member's own transaction.
    member_id = check.member_id;
    if (deferred) {
      deferred->token_epoch = check.epoch;
    } else if (const auto epoch = store_.token_epoch(check.member_id); epoch && *epoch != check.epoch) {
      return revoked_token_answer();
    }
    // Where the store keeps the limits, the caller's transaction takes the
    // member's token too: one round trip fewer (bench/RESULTS.md, 2026-12-04).
    if (deferred && store_.shares_rate_limits()) {
      if (settings_.member_rate_per_minute > 0) deferred->rate = RateTake{settings_.member_rate_per_minute, now};
    } else if (std::int64_t wait = member_limit_->take(check.member_id, now)) {
      return rate_limited_answer("for this member", wait);
    }
    return std::nullopt;
  }
  if (settings_.merchant_key.empty() || !equal_in_constant_time(credential, settings_.merchant_key)) {
    return error_answer(401, "auth.invalid", "neither a member token nor the merchant key");
  }
  if (role != Role::merchant) return error_answer(403, "auth.forbidden", "member endpoints take a member token");
  member_id.clear();
  return std::nullopt;
}

std::optional<HttpAnswer> ApiRoutes::authorize(const httplib::Request& req, httplib::Response& res, Permission need,
                                               std::optional<OperatorSession>& who) {
  who.reset();
  // A backend sends the merchant key; only a browser sends the console's cookie.
  const std::string cookie =
      req.has_header("Authorization") ? "" : cookie_value(req.get_header_value("Cookie"), OperatorDesk::kCookie);
  if (cookie.empty()) {
    std::string none;
    return authenticate(req, Role::merchant, none, res);
  }
  who = operators_.session(cookie, now_ms());
  if (!who) return error_answer(401, "auth.invalid", "the console session has ended or is unknown; sign in again");
  if (!role_may(who->role, need)) {
    return error_answer(403, "auth.forbidden",
                        "an operator with the role " + who->role + " may not do this (it needs " + permission_name(need) + ")");
  }
  // SameSite keeps the cookie from other sites' requests; the token, which
  // only the console's own pages can read, is the second lock on changes.
  if (req.method != "GET" && req.method != "HEAD" &&
      !equal_in_constant_time(req.get_header_value("X-CSRF-Token"), who->csrf_token)) {
    return error_answer(403, "auth.csrf", "a change from the console carries the session's X-CSRF-Token header");
  }
  return std::nullopt;
}

void ApiRoutes::audit(const std::optional<OperatorSession>& who, const char* action, const std::string& target,
                      std::string before, std::string after) {
  if (who) operators_.record(who->name, action, target, std::move(before), std::move(after), now_ms());
}

namespace {

// What a member view or an event's answer says of the member's tags
// ({"tags": [...]}) or balances ({"available", "growth", "pending"}), with
// the codes of a refused event ("refused"), or the answer itself when it
// holds no state (the request was refused whole).
std::string state_part(const std::string& body, bool tags) {
  auto parsed = parse_json(body);
  if (!parsed.ok()) return "null";
  const Json& j = parsed.value();
  if (!j.is_object() || !j.contains("state") || !j["state"].is_object()) return body;
  Json part = tags ? Json{{"tags", j["state"].value("tags", Json::array())}}
                   : Json{{"available", j["balances"].value("available", 0)}, {"growth", j["state"].value("growth", 0)},
                          {"pending", j["balances"].value("pending", 0)}};
  const Json* results = j.contains("results") && j["results"].is_array() ? &j["results"] : nullptr;
  if (results && !results->empty() && (*results)[0].value("result", "") == "rejected") {
    Json codes = Json::array();
    for (const Json& e : (*results)[0].value("errors", Json::array())) codes.push_back(e.value("code", ""));
    part["refused"] = codes;
  }
  return part.dump();
}
std::string tags_in(const std::string& body) { return state_part(body, true); }
std::string balances_in(const std::string& body) { return state_part(body, false); }

}  // namespace

void ApiRoutes::install_program(httplib::Server& server) {
  // Public: the version in force now, what clients preview with. A client
  // reloads it when an answer names another program_version.
  server.Get("/v1/program", [this](const httplib::Request& req, httplib::Response& res) {
    const HeldVersion v = programs_.in_force(now_ms());
    res.set_header("ETag", v->etag);
    res.set_header("Cache-Control", "no-cache");
    if (req.get_header_value("If-None-Match") == v->etag) {
      res.status = 304;
      return;
    }
    res.set_content("{\"effective_at\":" + std::to_string(v->effective_at) + ",\"program\":" + v->text +
                        ",\"version\":" + std::to_string(v->version()) + "}",
                    kJsonType);
  });
  // Merchant: publish a new version, in force from effective_at (default now).
  server.Post("/v1/program", [this](const httplib::Request& req, httplib::Response& res) {
    std::optional<OperatorSession> who;
    if (auto refused = authorize(req, res, Permission::publish, who)) return send_answer(res, *refused);
    const std::int64_t newest_before = programs_.all().back()->version();
    const HttpAnswer answer = publish(req.body);
    audit(who, "program_published", "program", Json{{"newest_version", newest_before}}.dump(), answer.body);
    send_answer(res, answer);
  });
  // Merchant: every published version and when it takes effect.
  server.Get("/v1/program/versions", [this](const httplib::Request& req, httplib::Response& res) {
    if (auto refused = authorize(req, res, Permission::read)) return send_answer(res, *refused);
    const std::int64_t now = now_ms();
    const std::int64_t in_force = programs_.in_force(now)->version();
    Json versions = Json::array();
    for (const HeldVersion& v : programs_.all()) {
      versions.push_back({{"effective_at", v->effective_at}, {"in_force", v->version() == in_force}, {"version", v->version()}});
    }
    send_answer(res, {200, Json{{"server_time", now}, {"versions", versions}}.dump()});
  });
  // An editor's draft tried on the store's history before it is published.
  server.Post("/v1/program/simulation", [this](const httplib::Request& req, httplib::Response& res) {
    if (auto refused = authorize(req, res, Permission::draft)) return send_answer(res, *refused);
    bool idle = false;
    if (!simulating_.compare_exchange_strong(idle, true)) {
      res.set_header("Retry-After", "5");
      return send_answer(res, error_answer(429, "simulation.busy", "another simulation is running; retry when it ends"));
    }
    struct Done {
      std::atomic<bool>& flag;
      ~Done() { flag = false; }
    } done{simulating_};
    send_answer(res, simulate_draft(req.body));
  });
}

HttpAnswer ApiRoutes::simulate_draft(const std::string& text) {
  Json request;
  if (auto refused = parse_object(text, request)) return *refused;
  Errors errors = unknown_fields(request, {"program", "members"});
  if (!request.contains("program")) errors.push_back({"field.missing", "is required", "program"});
  std::int64_t members = kSimulatedMembers;
  if (request.contains("members")) {
    const Json& m = request["members"];
    if (!m.is_number_integer() || m.get<std::int64_t>() < 1 || m.get<std::int64_t>() > kMostSimulatedMembers) {
      errors.push_back({"value.out_of_range", "must be a whole number from 1 to " + std::to_string(kMostSimulatedMembers),
                        "members"});
    } else {
      members = m.get<std::int64_t>();
    }
  }
  if (!errors.empty()) return {400, error_envelope(errors)};
  auto draft = Engine::load(request["program"].dump());
  if (!draft.ok()) return {400, error_envelope(under_program(draft.errors()))};
  const HeldVersion current = programs_.in_force(now_ms());
  const Json report = simulate_store_history(current->program(), draft.value().program(), store_, programs_, members);
  return {200, report.dump()};
}

HttpAnswer ApiRoutes::publish(const std::string& text) {
  Json request;
  if (auto refused = parse_object(text, request)) return *refused;
  const std::int64_t now = now_ms();
  Errors errors = unknown_fields(request, {"program", "effective_at"});
  if (!request.contains("program")) errors.push_back({"field.missing", "is required", "program"});
  std::int64_t effective_at = now;
  if (request.contains("effective_at")) {
    auto at = time_from_json(request["effective_at"], "effective_at");
    if (at.ok()) effective_at = at.value();
    else errors.insert(errors.end(), at.errors().begin(), at.errors().end());
  }
  if (!errors.empty()) return {400, error_envelope(errors)};
  auto published = programs_.publish(request["program"].dump(), effective_at, now);
  if (!published.ok()) {
    const std::string& code = published.errors()[0].code;
    const bool conflict = code == "program.version_not_newer" || code == "program.other_id" ||
                          code == "program.effective_before_newest";
    return {conflict ? 409 : 400, error_envelope(published.errors())};
  }
  const HeldVersion& v = published.value();
  return {201, Json{{"effective_at", v->effective_at}, {"version", v->version()}}.dump()};
}

void ApiRoutes::install(httplib::Server& server) {
  install_program(server);
  install_console(server);
  install_drafts(server);
  install_phones(server);
  // Member endpoints.
  server.Post("/v1/sync", [this](const httplib::Request& req, httplib::Response& res) {
    std::string member;
    MemberChecks checks;
    if (auto refused = authenticate(req, Role::member, member, res, &checks)) return send_answer(res, *refused);
    send_answer(res, sync_.member_sync(member, checks, req.body, now_ms()));
  });
  server.Get("/v1/me", [this](const httplib::Request& req, httplib::Response& res) {
    std::string member;
    if (auto refused = authenticate(req, Role::member, member, res)) return send_answer(res, *refused);
    send_answer(res, sync_.member_view(member, now_ms(), req.get_param_value("state")));
  });
  server.Get("/v1/me/share-code", [this](const httplib::Request& req, httplib::Response& res) {
    std::string member;
    if (auto refused = authenticate(req, Role::member, member, res)) return send_answer(res, *refused);
    send_answer(res, sync_.share_code(member, req.get_param_value("campaign"), now_ms()));
  });
  server.Get("/v1/me/ledger", [this](const httplib::Request& req, httplib::Response& res) {
    std::string member;
    if (auto refused = authenticate(req, Role::member, member, res)) return send_answer(res, *refused);
    auto p = page(req);
    send_answer(res, p ? sync_.ledger_view(member, p->first, p->second) : kBadPage);
  });

  // The operators': every box's prizes given and left, and today's budgets.
  server.Get("/v1/boxes/stock", [this](const httplib::Request& req, httplib::Response& res) {
    if (auto refused = authorize(req, res, Permission::read)) return send_answer(res, *refused);
    send_answer(res, sync_.box_stock(now_ms()));
  });
  // Public: anyone may check a box's commitment before drawing, and its
  // revealed seed after the window (verify with the core's verify_draw).
  server.Get(R"(/v1/boxes/([A-Za-z0-9_.:-]+)/commitment)", [this](const httplib::Request& req, httplib::Response& res) {
    send_answer(res, sync_.box_commitment(req.matches[1], now_ms()));
  });
  server.Get(R"(/v1/boxes/([A-Za-z0-9_.:-]+)/seeds/([0-9-]+))", [this](const httplib::Request& req, httplib::Response& res) {
    send_answer(res, sync_.box_seed_reveal(req.matches[1], req.matches[2], now_ms()));
  });

  // Merchant endpoints.
  auto merchant_event = [this](const char* type) {
    return [this, type](const httplib::Request& req, httplib::Response& res) {
      std::string none;
      if (auto refused = authenticate(req, Role::merchant, none, res)) return send_answer(res, *refused);
      send_answer(res, sync_.merchant_event(type, req.body, now_ms()));
    };
  };
  server.Post("/v1/orders", merchant_event("order"));
  server.Post("/v1/refunds", merchant_event("refund"));
  server.Post("/v1/memberships", merchant_event("paid_membership"));
  // The points mall: redemptions with a cash part (the merchant took the
  // cash) and cancellations come from the merchant's backend.
  server.Post("/v1/mall/redemptions", merchant_event("mall_redeem"));
  // Tags and adjustments: the merchant's backend, or customer service in
  // the console (audited with what they change, before and after).
  auto member_help = [this](const char* type, const char* action, std::string (*shown)(const std::string&)) {
    return [this, type, action, shown](const httplib::Request& req, httplib::Response& res) {
      std::optional<OperatorSession> who;
      if (auto refused = authorize(req, res, Permission::help_members, who)) return send_answer(res, *refused);
      const std::int64_t now = now_ms();
      std::string member;
      std::string before = "null";
      if (who) {
        auto body = parse_json(req.body);
        if (body.ok() && body.value().is_object() && body.value().contains("member_id") &&
            body.value()["member_id"].is_string()) {
          member = body.value()["member_id"].get<std::string>();
          before = shown(sync_.member_view(member, now, "json").body);
        }
      }
      const HttpAnswer answer = sync_.merchant_event(type, req.body, now);
      audit(who, action, member, std::move(before), shown(answer.body));
      send_answer(res, answer);
    };
  };
  server.Post("/v1/tags", member_help("tag", "member_tagged", tags_in));
  server.Post("/v1/adjustments", member_help("adjust", "member_adjusted", balances_in));
  server.Post("/v1/mall/cancellations", merchant_event("mall_cancel"));
  // Public, as the catalogue is: what is left of each stocked item.
  server.Get("/v1/mall", [this](const httplib::Request&, httplib::Response& res) { send_answer(res, sync_.mall_stock(now_ms())); });
  server.Post("/v1/members", [this](const httplib::Request& req, httplib::Response& res) {
    std::string none;
    if (auto refused = authenticate(req, Role::merchant, none, res)) return send_answer(res, *refused);
    send_answer(res, sync_.join(req.body, now_ms()));
  });
  server.Get(R"(/v1/members/([^/]+))", [this](const httplib::Request& req, httplib::Response& res) {
    if (auto refused = authorize(req, res, Permission::read)) return send_answer(res, *refused);
    send_answer(res, sync_.member_view(req.matches[1], now_ms(), req.get_param_value("state")));
  });
  // Every token the member holds stops working, on every server (a lost
  // phone, an account taken over); the member logs in again.
  server.Post(R"(/v1/members/([^/]+)/tokens/revoke)", [this](const httplib::Request& req, httplib::Response& res) {
    std::optional<OperatorSession> who;
    if (auto refused = authorize(req, res, Permission::help_members, who)) return send_answer(res, *refused);
    const std::string member = req.matches[1];
    const auto epoch = store_.revoke_tokens(member);
    if (!epoch) return send_answer(res, error_answer(404, "member.unknown", "no member " + member + " has joined", "member_id"));
    audit(who, "member_tokens_revoked", member, Json{{"token_epoch", *epoch - 1}}.dump(),
          Json{{"token_epoch", *epoch}}.dump());
    send_answer(res, {200, Json{{"member_id", member}, {"token_epoch", *epoch}}.dump()});
  });
  server.Get("/v1/reports/liability", [this](const httplib::Request& req, httplib::Response& res) {
    if (auto refused = authorize(req, res, Permission::read)) return send_answer(res, *refused);
    send_answer(res, sync_.liability_view(now_ms()));
  });
  server.Get("/v1/reports/activity", [this](const httplib::Request& req, httplib::Response& res) {
    if (auto refused = authorize(req, res, Permission::read)) return send_answer(res, *refused);
    send_answer(res, sync_.activity_view(req.get_param_value("from"), req.get_param_value("to"), now_ms()));
  });
  server.Get("/v1/reports/variants", [this](const httplib::Request& req, httplib::Response& res) {
    if (auto refused = authorize(req, res, Permission::read)) return send_answer(res, *refused);
    send_answer(res, sync_.variants_view(req.get_param_value("from"), req.get_param_value("to"), now_ms()));
  });
  server.Get("/v1/mall/fulfilments", [this](const httplib::Request& req, httplib::Response& res) {
    if (auto refused = authorize(req, res, Permission::read)) return send_answer(res, *refused);
    auto p = page(req);
    send_answer(res, p ? sync_.fulfilments_view(p->first, p->second) : kBadPage);
  });
  server.Get(R"(/v1/members/([^/]+)/ledger)", [this](const httplib::Request& req, httplib::Response& res) {
    if (auto refused = authorize(req, res, Permission::read)) return send_answer(res, *refused);
    auto p = page(req);
    send_answer(res, p ? sync_.ledger_view(req.matches[1], p->first, p->second) : kBadPage);
  });

  // Demo only: anyone may log in as any member (joined on first login).
  if (settings_.demo) {
    server.Post("/v1/demo/login", [this](const httplib::Request& req, httplib::Response& res) {
      auto body = parse_json(req.body);
      const Json* id = body.ok() && body.value().is_object() && body.value().contains("member_id")
                           ? &body.value()["member_id"] : nullptr;
      if (!id || !id->is_string() || !SyncService::valid_member_id(id->get<std::string>())) {
        return send_answer(res, error_answer(400, "member.invalid_id", "member_id: 1 to 64 letters, digits or -_.:@",
                                      "member_id"));
      }
      const std::string member = id->get<std::string>();
      const std::int64_t now = now_ms();
      // A new member may come through a friend's share code, as a real join would.
      const Json* code = body.value().contains("share_code") ? &body.value()["share_code"] : nullptr;
      sync_.ensure_member(member, now, code && code->is_string() ? code->get<std::string>() : "");
      const std::int64_t expires = now + settings_.token_ttl_seconds * 1000;
      const std::string token = tokens_.issue(member, store_.token_epoch(member).value_or(0), expires);
      send_answer(res, {200, Json{{"expires_at", expires}, {"member_id", member}, {"token", token}}.dump()});
    });
    // The storefront's own backend would post the order; in the demo the
    // server stands in for it: the member's order, its id the order id.
    server.Post("/v1/demo/checkout", [this](const httplib::Request& req, httplib::Response& res) {
      std::string member;
      if (auto refused = authenticate(req, Role::member, member, res)) return send_answer(res, *refused);
      auto body = parse_json(req.body);
      if (!body.ok()) return send_answer(res, {400, error_envelope(body.errors())});
      Json order = std::move(body).value();
      if (!order.is_object() || !order.contains("id") || !order["id"].is_string()) {
        return send_answer(res, error_answer(400, "field.missing", "an order needs an id (a string)", "id"));
      }
      order["member_id"] = member;
      order["order_id"] = order["id"];
      send_answer(res, sync_.merchant_event("order", order.dump(), now_ms()));
    });
  }
}

}  // namespace loyalty::server
