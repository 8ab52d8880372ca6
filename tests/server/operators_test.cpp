// The console operators' building blocks: what each role may do, the
// session cookie found among a browser's other cookies, and passwords kept
// only as Argon2id hashes that a wrong password does not match.
#include <gtest/gtest.h>

#include "operators.hpp"

using namespace loyalty::server;

TEST(Operators, EachRoleMayOnlyWhatItIsFor) {
  EXPECT_TRUE(role_may("viewer", Permission::read));
  EXPECT_FALSE(role_may("viewer", Permission::help_members));
  EXPECT_TRUE(role_may("service", Permission::help_members));
  EXPECT_FALSE(role_may("service", Permission::publish));
  EXPECT_TRUE(role_may("editor", Permission::draft));
  EXPECT_FALSE(role_may("editor", Permission::publish));
  EXPECT_TRUE(role_may("publisher", Permission::publish));
  EXPECT_FALSE(role_may("publisher", Permission::help_members));
  EXPECT_FALSE(role_may("admin", Permission::read));
  EXPECT_EQ(permissions_of("publisher"), (std::vector<std::string>{"read", "draft", "publish"}));
}

TEST(Operators, TheSessionCookieIsFoundAmongOthersAndNotByAPrefix) {
  EXPECT_EQ(cookie_value("theme=dark; loyalty_console=abc; lang=zh-CN", "loyalty_console"), "abc");
  EXPECT_EQ(cookie_value("loyalty_console=abc", "loyalty_console"), "abc");
  EXPECT_EQ(cookie_value("my_loyalty_console=x; loyalty_console_old=y", "loyalty_console"), "");
  EXPECT_EQ(cookie_value("", "loyalty_console"), "");
  EXPECT_EQ(cookie_value("loyalty_console", "loyalty_console"), "");
}

TEST(Operators, APasswordIsKeptAsAnArgon2idHashThatOnlyItMatches) {
  const std::string hash = hash_password("correct horse battery");
  EXPECT_EQ(hash.rfind("$argon2id$", 0), 0u) << hash;
  EXPECT_EQ(hash.find("correct horse"), std::string::npos);
  EXPECT_TRUE(password_matches(hash, "correct horse battery"));
  EXPECT_FALSE(password_matches(hash, "correct horse batter"));
  EXPECT_NE(hash_password("correct horse battery"), hash) << "salted: the same password hashes differently";
  EXPECT_NE(password_problem("short"), "");
  EXPECT_NE(password_problem(std::string(257, 'x')), "");
  EXPECT_EQ(password_problem("ten chars!"), "");
}
