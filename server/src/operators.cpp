#include "operators.hpp"

#include <sodium.h>

#include <stdexcept>

#include "loyalty/json_codec.hpp"
#include "loyalty/sha256.hpp"

namespace loyalty::server {

namespace {

struct RoleGrants {
  const char* role;
  std::vector<Permission> may;
};

const std::vector<RoleGrants>& roles() {
  static const std::vector<RoleGrants> all = {
      {"viewer", {Permission::read}},
      {"service", {Permission::read, Permission::help_members}},
      {"editor", {Permission::read, Permission::draft}},
      {"publisher", {Permission::read, Permission::draft, Permission::publish}},
  };
  return all;
}

const RoleGrants* grants_of(std::string_view role) {
  for (const RoleGrants& g : roles()) {
    if (role == g.role) return &g;
  }
  return nullptr;
}

void need_sodium() {
  static const int ready = sodium_init();
  if (ready < 0) throw std::runtime_error("libsodium cannot start");
}

// 32 random bytes as hex: a session's cookie or its CSRF token.
std::string random_token() {
  need_sodium();
  unsigned char bytes[32];
  randombytes_buf(bytes, sizeof bytes);
  char hex[2 * sizeof bytes + 1];
  sodium_bin2hex(hex, sizeof hex, bytes, sizeof bytes);
  return hex;
}

std::string sha256_hex(const std::string& text) { return to_hex(sha256(text)); }

}  // namespace

bool is_operator_role(std::string_view role) { return grants_of(role) != nullptr; }

bool role_may(std::string_view role, Permission permission) {
  const RoleGrants* g = grants_of(role);
  if (!g) return false;
  for (Permission p : g->may) {
    if (p == permission) return true;
  }
  return false;
}

const char* permission_name(Permission permission) {
  switch (permission) {
    case Permission::read: return "read";
    case Permission::help_members: return "help_members";
    case Permission::draft: return "draft";
    case Permission::publish: return "publish";
  }
  return "";
}

std::vector<std::string> permissions_of(std::string_view role) {
  std::vector<std::string> names;
  if (const RoleGrants* g = grants_of(role)) {
    for (Permission p : g->may) names.emplace_back(permission_name(p));
  }
  return names;
}

bool valid_operator_name(std::string_view name) {
  if (name.empty() || name.size() > 64) return false;
  for (char c : name) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
                    c == '.' || c == ':' || c == '@' || c == '-';
    if (!ok) return false;
  }
  return true;
}

std::string password_problem(std::string_view password) {
  if (password.size() < 10) return "a password has at least 10 characters";
  if (password.size() > 256) return "a password has at most 256 bytes";
  return "";
}

std::string hash_password(std::string_view password) {
  need_sodium();
  char hash[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str(hash, password.data(), password.size(), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                        crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0) {
    throw std::runtime_error("not enough memory to hash a password");
  }
  return hash;
}

bool password_matches(const std::string& hash, std::string_view password) {
  need_sodium();
  return crypto_pwhash_str_verify(hash.c_str(), password.data(), password.size()) == 0;
}

void OperatorDesk::HashGate::enter() {
  std::unique_lock<std::mutex> lock(mutex_);
  free_.wait(lock, [&] { return running_ < 2; });
  ++running_;
}

void OperatorDesk::HashGate::leave() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    --running_;
  }
  free_.notify_one();
}

OperatorDesk::OperatorDesk(Store& store, OperatorPolicy policy) : store_(store), policy_(policy) {}

bool OperatorDesk::verify(const std::string& hash, std::string_view password) {
  gate_.enter();
  const bool matches = password_matches(hash, password);  // libsodium reports, never throws
  gate_.leave();
  return matches;
}

SignIn OperatorDesk::sign_in(const std::string& name, std::string_view password, std::int64_t now) {
  SignIn result;
  const auto row = store_.find_operator(name);
  if (row && row->locked_until > now) {
    result.refusal = "operator.locked";
    result.retry_after_s = (row->locked_until - now + 999) / 1000;
    return result;
  }
  if (!row) {
    // As long as a wrong password takes, so that names cannot be told by time.
    {
      std::lock_guard<std::mutex> lock(unknown_name_mutex_);
      if (unknown_name_hash_.empty()) unknown_name_hash_ = hash_password(random_token());
    }
    verify(unknown_name_hash_, password);
    result.refusal = "operator.bad_credentials";
    return result;
  }
  if (!verify(row->password_hash, password)) {
    store_.count_operator_failure(name, policy_.lock_after, now + policy_.lock_ms);
    const bool locks = row->failures + 1 >= policy_.lock_after;
    record(name, locks ? "sign_in_locked" : "sign_in_failed", name, "null", "null", now);
    result.refusal = "operator.bad_credentials";
    return result;
  }
  if (row->failures > 0) store_.clear_operator_failures(name);
  result.cookie_token = random_token();
  OperatorSession s{row->name, row->role, random_token(), sha256_hex(result.cookie_token), now + policy_.session_ms};
  store_.open_operator_session({s.token_sha256, s.name, s.csrf_token, s.expires_at}, now);
  record(name, "sign_in", name, "null", "null", now);
  result.session = std::move(s);
  return result;
}

std::optional<OperatorSession> OperatorDesk::session(const std::string& cookie_token, std::int64_t now) {
  if (cookie_token.size() != 64) return std::nullopt;
  const std::string key = sha256_hex(cookie_token);
  const auto row = store_.operator_session(key);
  if (!row || row->expires_at <= now) return std::nullopt;
  const auto op = store_.find_operator(row->name);
  if (!op) return std::nullopt;
  return OperatorSession{op->name, op->role, row->csrf_token, key, row->expires_at};
}

void OperatorDesk::sign_out(const OperatorSession& session, std::int64_t now) {
  store_.end_operator_session(session.token_sha256);
  record(session.name, "sign_out", session.name, "null", "null", now);
}

void OperatorDesk::record(const std::string& operator_name, const std::string& action, const std::string& target,
                          std::string before, std::string after, std::int64_t now) {
  OperatorAuditRow row;
  row.at = now;
  row.operator_name = operator_name;
  row.action = action;
  row.target = target;
  row.before = std::move(before);
  row.after = std::move(after);
  store_.append_operator_audit(row);
}

std::string audit_row_json(const OperatorAuditRow& row) {
  // before and after are JSON the server wrote; a row that is not (a
  // hand-edited database) is shown as text rather than refused.
  auto as_json = [](const std::string& text) {
    auto parsed = parse_json(text);
    return parsed.ok() ? std::move(parsed).value() : Json(text);
  };
  return Json{{"action", row.action}, {"after", as_json(row.after)}, {"at", row.at}, {"before", as_json(row.before)},
              {"operator", row.operator_name}, {"seq", row.seq}, {"target", row.target}}.dump();
}

std::string cookie_value(const std::string& header, std::string_view name) {
  std::size_t at = 0;
  while (at < header.size()) {
    const std::size_t end = std::min(header.find(';', at), header.size());
    std::size_t start = header.find_first_not_of(' ', at);
    if (start < end) {
      const std::size_t eq = header.find('=', start);
      if (eq < end && std::string_view(header).substr(start, eq - start) == name) {
        return header.substr(eq + 1, end - eq - 1);
      }
    }
    at = end + 1;
  }
  return "";
}

}  // namespace loyalty::server
