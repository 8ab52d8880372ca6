#include "share_codes.hpp"

#include "base64url.hpp"
#include "loyalty/sha256.hpp"

namespace loyalty::server {

namespace {

constexpr std::size_t kMacBytes = 16;
constexpr std::size_t kMaxCodeBytes = 512;

std::string mac_of(const std::string& key, const std::string& payload) {
  const Digest mac = hmac_sha256(key, payload);
  return base64url(std::string_view(reinterpret_cast<const char*>(mac.data()), kMacBytes));
}

}  // namespace

ShareCodes::ShareCodes(const std::string& secret) {
  const Digest key = hmac_sha256(secret, "loyalty share codes");
  key_.assign(reinterpret_cast<const char*>(key.data()), key.size());
}

std::string ShareCodes::issue(const std::string& campaign, const std::string& member_id) const {
  const std::string payload = "s1." + base64url(campaign) + "." + base64url(member_id);
  return payload + "." + mac_of(key_, payload);
}

std::optional<ShareCode> ShareCodes::verify(const std::string& code) const {
  if (code.size() > kMaxCodeBytes || code.rfind("s1.", 0) != 0) return std::nullopt;
  const std::size_t campaign_end = code.find('.', 3);
  const std::size_t member_end = campaign_end == std::string::npos ? campaign_end : code.find('.', campaign_end + 1);
  if (member_end == std::string::npos || code.find('.', member_end + 1) != std::string::npos) return std::nullopt;
  const std::string payload = code.substr(0, member_end);
  if (!equal_in_constant_time(code.substr(member_end + 1), mac_of(key_, payload))) return std::nullopt;
  ShareCode decoded;
  if (!from_base64url(code.substr(3, campaign_end - 3), decoded.campaign) ||
      !from_base64url(code.substr(campaign_end + 1, member_end - campaign_end - 1), decoded.member_id) ||
      decoded.campaign.empty() || decoded.member_id.empty()) {
    return std::nullopt;
  }
  return decoded;
}

}  // namespace loyalty::server
