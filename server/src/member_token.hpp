// Short-lived member tokens:
//   "m2.<member id, base64url>.<epoch>.<expiry ms>.<HMAC-SHA-256 hex>",
// or at epoch 0 "m1.<id>.<expiry>.<mac>" (the form from before epochs).
// Any server holding the secret verifies them; the epoch is the member's
// token epoch when it was issued, and a token whose epoch is no longer the
// member's (the merchant revoked the member's tokens) is refused.
#pragma once

#include <cstdint>
#include <string>

namespace loyalty::server {

struct TokenCheck {
  std::string error_code;  // "" when valid; else "auth.invalid" or "auth.expired"
  std::string member_id;
  std::int64_t epoch = 0;
};

class MemberTokens {
 public:
  explicit MemberTokens(std::string secret) : secret_(std::move(secret)) {}
  std::string issue(const std::string& member_id, std::int64_t epoch, std::int64_t expires_at_ms) const;
  TokenCheck verify(const std::string& token, std::int64_t now_ms) const;
  // A phone number (normalize_phone's form) as the store keeps it: an HMAC
  // under this secret, which every server shares, so the store holds no
  // phone numbers and a copy of it cannot be searched by phone without the
  // secret.
  std::string phone_digest(const std::string& normalized_phone) const;
  static bool looks_like_token(const std::string& text) {
    return text.rfind("m1.", 0) == 0 || text.rfind("m2.", 0) == 0;
  }

 private:
  std::string secret_;
};

}  // namespace loyalty::server
