#include <gtest/gtest.h>

#include "loyalty/sha256.hpp"
#include "member_token.hpp"

namespace loyalty::server {
namespace {

TEST(MemberToken, NamesItsMemberUntilItExpires) {
  MemberTokens tokens("secret");
  const std::string token = tokens.issue("m-1.with:odd@chars", 0, 2000);
  EXPECT_EQ(tokens.verify(token, 1999).member_id, "m-1.with:odd@chars");
  EXPECT_EQ(tokens.verify(token, 1999).error_code, "");
  EXPECT_EQ(tokens.verify(token, 2000).error_code, "auth.expired");
}

TEST(MemberToken, RefusesAnyChangeAndAnotherSecret) {
  MemberTokens tokens("secret");
  const std::string token = tokens.issue("m-1", 3, 2000);
  std::string later = token;
  later.replace(later.find(".2000."), 6, ".9000.");  // a longer life, same signature
  EXPECT_EQ(tokens.verify(later, 0).error_code, "auth.invalid");
  EXPECT_EQ(MemberTokens("other").verify(token, 0).error_code, "auth.invalid");
  const std::string other_member = tokens.issue("m-2", 3, 2000);
  const std::string spliced = token.substr(0, token.rfind('.')) + other_member.substr(other_member.rfind('.'));
  EXPECT_EQ(tokens.verify(spliced, 0).error_code, "auth.invalid");
  std::string other_epoch = token;
  other_epoch.replace(other_epoch.find(".3."), 3, ".4.");  // a revoked token claiming the new epoch
  EXPECT_EQ(tokens.verify(other_epoch, 0).error_code, "auth.invalid");
  for (const char* junk : {"", "m1.", "m1...", "m1.bS0x.99999999999999999999.00", "m1.!!.5.ab", "m2.bS0x.x.5.ab",
                           "m2.bS0x.5.ab"}) {
    EXPECT_EQ(tokens.verify(junk, 0).error_code, "auth.invalid") << junk;
  }
}

TEST(MemberToken, CarriesTheEpochItWasIssuedAtAndTokensFromBeforeEpochsAreEpochZero) {
  MemberTokens tokens("secret");
  EXPECT_EQ(tokens.verify(tokens.issue("m-1", 7, 2000), 0).epoch, 7);
  EXPECT_EQ(tokens.issue("m-1", 0, 2000).rfind("m1.", 0), 0u) << "epoch 0 in the form older servers accept";
  // An "m1" token as servers issued them before epochs: HMAC of "m1.<id>.<expiry>".
  const std::string payload = "m1.bS0x.2000";
  const TokenCheck old = tokens.verify(payload + "." + to_hex(hmac_sha256("secret", payload)), 0);
  EXPECT_EQ(old.error_code, "");
  EXPECT_EQ(old.member_id, "m-1");
  EXPECT_EQ(old.epoch, 0);
}

}  // namespace
}  // namespace loyalty::server
