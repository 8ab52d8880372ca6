// A phone written any of the ways members and operators write it is one
// key; anything else is not a phone.
#include "member_phones.hpp"

#include <gtest/gtest.h>

#include "member_token.hpp"

using loyalty::server::normalize_phone;

TEST(MemberPhones, OneNumberWrittenManyWaysIsOneKey) {
  for (const char* written : {"13800138000", "138 0013 8000", "138-0013-8000", "+86 138 0013 8000", "+8613800138000",
                              "0086 13800138000", "(+86) 138.0013.8000"}) {
    EXPECT_EQ(normalize_phone(written), "13800138000") << written;
  }
  EXPECT_EQ(normalize_phone("+1 (415) 555-0100"), "+14155550100");
  EXPECT_EQ(normalize_phone("001 415 555 0100"), "+14155550100");
  EXPECT_EQ(loyalty::server::phone_ending("13800138000"), "8000");
}

TEST(MemberPhones, WhatIsNotAPhoneIsRefused) {
  for (const char* text : {"", "1234", "138a0013", "1+38", "++8613800138000", "123456789012345678901", "13800138000 ext 2"}) {
    EXPECT_EQ(normalize_phone(text), std::nullopt) << text;
  }
}

TEST(MemberPhones, TheStoreKeepsADigestThatNeedsTheSecret) {
  const loyalty::server::MemberTokens ours("secret one"), theirs("secret two");
  const std::string digest = ours.phone_digest("13800138000");
  EXPECT_EQ(digest.size(), 64u);
  EXPECT_EQ(digest, ours.phone_digest("13800138000"));
  EXPECT_NE(digest, ours.phone_digest("13800138001"));
  EXPECT_NE(digest, theirs.phone_digest("13800138000"));
  EXPECT_EQ(digest.find("13800138000"), std::string::npos);
}
