// Spokesperson share codes: "s1.<campaign>.<member>.<mac>", the ids in
// base64url and the mac the first 16 bytes of HMAC-SHA-256 under a key only
// servers hold. A code names who shares and for which campaign; it cannot
// be guessed or changed to credit someone else, and it does not expire (a
// poster lives as long as its campaign, which the core checks).
#pragma once

#include <optional>
#include <string>

namespace loyalty::server {

struct ShareCode {
  std::string campaign;
  std::string member_id;
};

class ShareCodes {
 public:
  // `secret`: the servers' token secret; codes are signed under a key made from it for them alone.
  explicit ShareCodes(const std::string& secret);
  std::string issue(const std::string& campaign, const std::string& member_id) const;
  std::optional<ShareCode> verify(const std::string& code) const;

 private:
  std::string key_;
};

}  // namespace loyalty::server
