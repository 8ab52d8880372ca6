// The console's operators: what each role may do, passwords hashed with
// Argon2id (libsodium), sessions held by an HTTP-only cookie with a CSRF
// token for every change, a lock-out after repeated failed sign-ins, and the
// audit log that every operator action is written to.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "store.hpp"

namespace loyalty::server {

// What an endpoint asks of an operator.
enum class Permission {
  read,          // members, ledgers, reports, versions, the audit log
  help_members,  // a member's tags, revoking a member's tokens
  draft,         // programme drafts
  publish,       // publishing a programme version
};

// viewer: reads. service (customer service): reads and helps members.
// editor: reads and drafts. publisher: reads, drafts and publishes.
bool is_operator_role(std::string_view role);
bool role_may(std::string_view role, Permission permission);
// The permissions' names ("read", "help_members", ...) a role has, for the console.
std::vector<std::string> permissions_of(std::string_view role);
const char* permission_name(Permission permission);

// 1 to 64 letters, digits or _.:@- (an operator's name, safe in logs).
bool valid_operator_name(std::string_view name);

// Why a password cannot be used ("" when it can): 10 to 256 bytes.
std::string password_problem(std::string_view password);
// Argon2id with libsodium's interactive limits, in its self-describing text.
std::string hash_password(std::string_view password);
bool password_matches(const std::string& hash, std::string_view password);

struct OperatorPolicy {
  std::int64_t session_ms = 8 * 3600 * 1000;  // a session lasts a working day
  std::int64_t lock_after = 5;                // failed sign-ins in a row
  std::int64_t lock_ms = 15 * 60 * 1000;
};

// A signed-in operator, as a request's cookie names it.
struct OperatorSession {
  std::string name;
  std::string role;
  std::string csrf_token;
  std::string token_sha256;
  std::int64_t expires_at = 0;
};

struct SignIn {
  std::optional<OperatorSession> session;
  std::string cookie_token;  // the cookie's value: given once, stored only as its SHA-256
  // When refused: "operator.bad_credentials" (an unknown name and a wrong
  // password look alike) or "operator.locked", with the seconds to wait.
  std::string refusal;
  std::int64_t retry_after_s = 0;
};

class OperatorDesk {
 public:
  static constexpr const char* kCookie = "loyalty_console";

  explicit OperatorDesk(Store& store, OperatorPolicy policy = {});

  SignIn sign_in(const std::string& name, std::string_view password, std::int64_t now);
  // The session a cookie's token opens: nullopt when unknown, expired, or
  // its operator was removed.
  std::optional<OperatorSession> session(const std::string& cookie_token, std::int64_t now);
  void sign_out(const OperatorSession& session, std::int64_t now);
  // One row of the audit log (`before` and `after` are JSON texts).
  void record(const std::string& operator_name, const std::string& action, const std::string& target,
              std::string before, std::string after, std::int64_t now);

  const OperatorPolicy& policy() const { return policy_; }

 private:
  // Argon2id takes 64 MiB for a moment: at most two at once, so that a
  // burst of sign-ins queues instead of taking the machine's memory.
  class HashGate {
   public:
    void enter();
    void leave();

   private:
    std::mutex mutex_;
    std::condition_variable free_;
    int running_ = 0;
  };
  bool verify(const std::string& hash, std::string_view password);

  Store& store_;
  OperatorPolicy policy_;
  HashGate gate_;
  std::mutex unknown_name_mutex_;
  std::string unknown_name_hash_;  // checked against for an unknown name, to take as long
};

// An audit row as the console and `loyalty audit operators` show it:
// {"action","after","at","before","operator","seq","target"}.
std::string audit_row_json(const OperatorAuditRow& row);

// The value of one cookie in a Cookie header; "" when absent.
std::string cookie_value(const std::string& header, std::string_view name);

}  // namespace loyalty::server
