// Short-lived member tokens: "m1.<member id, base64url>.<expiry ms>.<HMAC-SHA-256 hex>".
// Stateless: any server holding the secret verifies them; nothing is stored.
#pragma once

#include <cstdint>
#include <string>

namespace loyalty::server {

struct TokenCheck {
  std::string error_code;  // "" when valid; else "auth.invalid" or "auth.expired"
  std::string member_id;
};

class MemberTokens {
 public:
  explicit MemberTokens(std::string secret) : secret_(std::move(secret)) {}
  std::string issue(const std::string& member_id, std::int64_t expires_at_ms) const;
  TokenCheck verify(const std::string& token, std::int64_t now_ms) const;
  static bool looks_like_token(const std::string& text) { return text.rfind("m1.", 0) == 0; }

 private:
  std::string secret_;
};

}  // namespace loyalty::server
