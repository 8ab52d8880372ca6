#include "member_token.hpp"

#include <vector>

#include "base64url.hpp"
#include "loyalty/sha256.hpp"

namespace loyalty::server {

namespace {

std::vector<std::string> split(const std::string& text, char sep) {
  std::vector<std::string> parts(1);
  for (char c : text) {
    if (c == sep) parts.emplace_back();
    else parts.back().push_back(c);
  }
  return parts;
}

}  // namespace

std::string MemberTokens::issue(const std::string& member_id, std::int64_t expires_at_ms) const {
  const std::string payload = "m1." + base64url(member_id) + "." + std::to_string(expires_at_ms);
  return payload + "." + to_hex(hmac_sha256(secret_, payload));
}

TokenCheck MemberTokens::verify(const std::string& token, std::int64_t now_ms) const {
  const auto parts = split(token, '.');
  if (parts.size() != 4 || parts[0] != "m1" || parts[2].empty() || parts[2].size() > 16 ||
      parts[2].find_first_not_of("0123456789") != std::string::npos) {
    return {"auth.invalid", ""};
  }
  const std::string payload = parts[0] + "." + parts[1] + "." + parts[2];
  if (!equal_in_constant_time(parts[3], to_hex(hmac_sha256(secret_, payload)))) return {"auth.invalid", ""};
  std::string member_id;
  if (!from_base64url(parts[1], member_id) || member_id.empty()) return {"auth.invalid", ""};
  if (std::stoll(parts[2]) <= now_ms) return {"auth.expired", ""};
  return {"", member_id};
}

}  // namespace loyalty::server
