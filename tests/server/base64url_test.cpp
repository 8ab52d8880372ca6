// Base64url as RFC 4648 writes it (§10's vectors, without padding), and
// every byte value round-trips: tokens and snapshots in answers depend on it.
#include <cctype>

#include <gtest/gtest.h>

#include "base64url.hpp"

namespace loyalty::server {
namespace {

TEST(Base64url, EncodesTheRfcVectorsWithoutPadding) {
  const std::pair<const char*, const char*> vectors[] = {
      {"", ""}, {"f", "Zg"}, {"fo", "Zm8"}, {"foo", "Zm9v"}, {"foob", "Zm9vYg"}, {"fooba", "Zm9vYmE"}, {"foobar", "Zm9vYmFy"},
  };
  for (const auto& [bytes, text] : vectors) EXPECT_EQ(base64url(bytes), text) << bytes;
}

TEST(Base64url, UsesTheUrlAlphabetAndEveryByteRoundTrips) {
  std::string bytes;
  for (int b = 0; b < 256; ++b) bytes += static_cast<char>(b);
  for (std::size_t length = 0; length <= bytes.size(); ++length) {
    const std::string part = bytes.substr(bytes.size() - length);
    const std::string text = base64url(part);
    EXPECT_EQ(text.find_first_of("+/="), std::string::npos);
    std::string back;
    ASSERT_TRUE(from_base64url(text, back));
    EXPECT_EQ(back, part);
  }
  std::string ignored;
  EXPECT_FALSE(from_base64url("ab+c", ignored));
}

TEST(Base64url, AppendsToAnAnswerBeingWritten) {
  std::string answer = "{\"snapshot\":\"";
  append_base64url(answer, "foobar");
  append_base64url(answer, "f");
  EXPECT_EQ(answer, "{\"snapshot\":\"Zm9vYmFyZg");
}

TEST(Base64url, RefusesEveryCharacterOutsideTheAlphabet) {
  for (int c = 0; c < 256; ++c) {
    const char ch = static_cast<char>(c);
    const bool in_alphabet = std::isalnum(c) || ch == '-' || ch == '_';
    std::string out;
    EXPECT_EQ(from_base64url(std::string("Zm9v") + ch, out), in_alphabet) << c;
  }
}

}  // namespace
}  // namespace loyalty::server
