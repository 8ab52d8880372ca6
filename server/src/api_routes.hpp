// The sync API over HTTP (documented in server/openapi.yaml): who may call
// what, rate limits, and the JSON error envelopes. The decisions themselves
// are SyncService's.
#pragma once

#include <httplib.h>

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>

#include "member_token.hpp"
#include "operators.hpp"
#include "rate_limiter.hpp"
#include "sync_service.hpp"

namespace loyalty::server {

struct ApiSettings {
  std::string merchant_key;
  std::int64_t token_ttl_seconds = 3600;
  std::int64_t member_rate_per_minute = 120;
  std::int64_t ip_rate_per_minute = 600;
  bool demo = false;  // POST /v1/demo/login issues tokens to anyone
};

class ApiRoutes {
 public:
  // Rate limits are the store's when it shares them with other servers.
  ApiRoutes(SyncService& sync, Store& store, ProgramVersions& programs, const MemberTokens& tokens, ApiSettings settings);
  void install(httplib::Server& server);

 private:
  enum class Role { member, merchant };
  // The member id a member token names, or "" for the merchant; an answer
  // when the caller is refused. With `deferred`, what the caller checks in
  // the member's own transaction is left there: the token's epoch, and the
  // member's rate-limit token where the store keeps the limits.
  std::optional<HttpAnswer> authenticate(const httplib::Request& req, Role role, std::string& member_id,
                                         httplib::Response& res, MemberChecks* deferred = nullptr);

  // An endpoint the merchant key may call, and a console operator whose
  // role has `need` (a change also needs the session's CSRF token). `who`
  // is the operator, or nullopt for the merchant key.
  std::optional<HttpAnswer> authorize(const httplib::Request& req, httplib::Response& res, Permission need,
                                      std::optional<OperatorSession>& who);
  // The same, for a read that does not care who is asking.
  std::optional<HttpAnswer> authorize(const httplib::Request& req, httplib::Response& res, Permission need) {
    std::optional<OperatorSession> who;
    return authorize(req, res, need, who);
  }
  // An operator's change, written to the audit log (the merchant key's are not).
  void audit(const std::optional<OperatorSession>& who, const char* action, const std::string& target,
             std::string before, std::string after);
  // POST /v1/program's body published: 201, or why not.
  HttpAnswer publish(const std::string& body);
  // POST /v1/program/simulation: the draft in the body over the store's history.
  HttpAnswer simulate_draft(const std::string& body);
  // Members a draft's simulation takes by default, and at most: a few
  // seconds of one core on a year of history each.
  static constexpr std::int64_t kSimulatedMembers = 5000;
  static constexpr std::int64_t kMostSimulatedMembers = 50000;

  // GET and POST /v1/program, GET /v1/program/versions.
  void install_program(httplib::Server& server);
  // The console's sign-in, session, sign-out and audit log (/v1/console/...).
  void install_console(httplib::Server& server);
  // Programme drafts kept on the server (/v1/program/drafts/...).
  void install_drafts(httplib::Server& server);
  // Members' phones: set, and members found by them (member_phones.hpp).
  void install_phones(httplib::Server& server);

  SyncService& sync_;
  Store& store_;
  ProgramVersions& programs_;
  const MemberTokens& tokens_;
  ApiSettings settings_;
  std::unique_ptr<RateLimiter> member_limit_;
  std::unique_ptr<RateLimiter> ip_limit_;
  OperatorDesk operators_;
  std::atomic<bool> simulating_{false};  // one draft simulation at a time
};

std::int64_t now_ms();

// What the route files share: an answer sent as JSON; a page's ?after=&limit=
// (nullopt when not whole numbers, or out of range: kBadPage).
void send_answer(httplib::Response& res, const HttpAnswer& answer);
void send_answer(httplib::Response& res, HttpAnswer&& answer);
std::optional<std::pair<std::int64_t, std::int64_t>> page(const httplib::Request& req);
extern const HttpAnswer kBadPage;

}  // namespace loyalty::server
