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

std::string MemberTokens::issue(const std::string& member_id, std::int64_t epoch, std::int64_t expires_at_ms) const {
  // At epoch 0 the older form, which servers from before epochs accept too
  // (a rolling upgrade); a revoked member's new tokens need the epoch.
  const std::string payload =
      epoch == 0 ? "m1." + base64url(member_id) + "." + std::to_string(expires_at_ms)
                 : "m2." + base64url(member_id) + "." + std::to_string(epoch) + "." + std::to_string(expires_at_ms);
  return payload + "." + to_hex(hmac_sha256(secret_, payload));
}

namespace {

bool is_count(const std::string& text) {
  return !text.empty() && text.size() <= 16 && text.find_first_not_of("0123456789") == std::string::npos;
}

}  // namespace

TokenCheck MemberTokens::verify(const std::string& token, std::int64_t now_ms) const {
  const auto parts = split(token, '.');
  // m1.<id>.<expiry>.<mac>, from before epochs (epoch 0), or m2.<id>.<epoch>.<expiry>.<mac>.
  const bool v1 = parts.size() == 4 && parts[0] == "m1";
  const bool v2 = parts.size() == 5 && parts[0] == "m2";
  if (!v1 && !v2) return {"auth.invalid", "", 0};
  const std::string& expiry = parts[parts.size() - 2];
  const std::string epoch = v2 ? parts[2] : "0";
  if (!is_count(expiry) || !is_count(epoch)) return {"auth.invalid", "", 0};
  const std::string payload = token.substr(0, token.rfind('.'));
  if (!equal_in_constant_time(parts.back(), to_hex(hmac_sha256(secret_, payload)))) return {"auth.invalid", "", 0};
  std::string member_id;
  if (!from_base64url(parts[1], member_id) || member_id.empty()) return {"auth.invalid", "", 0};
  if (std::stoll(expiry) <= now_ms) return {"auth.expired", "", 0};
  return {"", member_id, std::stoll(epoch)};
}

std::string MemberTokens::phone_digest(const std::string& normalized_phone) const {
  return to_hex(hmac_sha256(secret_, "phone:" + normalized_phone));
}

}  // namespace loyalty::server
