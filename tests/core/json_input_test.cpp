// The JSON edge: what it accepts, and the error (code + path) for what it refuses.
#include <gtest/gtest.h>

#include <string>

#include "loyalty/json_codec.hpp"

namespace loyalty {
namespace {

Error first_error(std::string_view text) {
  auto r = parse_json(text);
  EXPECT_FALSE(r.ok()) << text;
  return r.ok() ? Error{} : r.errors().front();
}

TEST(JsonInput, MalformedTextIsASyntaxErrorWithItsByteOffset) {
  const Error e = first_error(R"({"a": 1,})");
  EXPECT_EQ(e.code, "json.syntax");
  EXPECT_NE(e.message.find("byte"), std::string::npos) << e.message;
}

TEST(JsonInput, TrailingGarbageIsRefused) { EXPECT_EQ(first_error("{} x").code, "json.syntax"); }

TEST(JsonInput, DuplicateKeysAreRefusedRatherThanSilentlyOverwritten) {
  EXPECT_EQ(first_error(R"({"points": 1, "points": 100})").code, "json.duplicate_key");
}

TEST(JsonInput, DeepNestingIsRefusedBeforeItCanExhaustTheStack) {
  const std::string deep = std::string(100000, '[') + std::string(100000, ']');
  EXPECT_EQ(first_error(deep).code, "json.too_deep");
  const std::string ok = std::string(kMaxJsonDepth, '[') + std::string(kMaxJsonDepth, ']');
  EXPECT_TRUE(parse_json(ok).ok());
}

TEST(JsonInput, OversizedDocumentsAreRefusedUnread) {
  EXPECT_EQ(first_error(std::string(kMaxJsonBytes + 1, ' ')).code, "json.too_large");
}

TEST(JsonInput, InvalidUtf8IsASyntaxErrorWhoseMessageIsItselfPrintable) {
  const Error e = first_error("{\"a\": \"\xff\xfe\"}");
  EXPECT_EQ(e.code, "json.syntax");
  for (char c : e.message) EXPECT_TRUE(c >= 0x20 && c <= 0x7e) << e.message;
  EXPECT_TRUE(parse_json(errors_json(Errors{e})).ok());
}

TEST(JsonInput, NanAndInfinityAreNotJson) {
  EXPECT_EQ(first_error(R"({"at": NaN})").code, "json.syntax");
  EXPECT_EQ(first_error(R"({"at": Infinity})").code, "json.syntax");
}

TEST(JsonInput, EmptyTextIsASyntaxError) { EXPECT_EQ(first_error("").code, "json.syntax"); }

TEST(JsonInput, IntegersBeyondTheSafeRangeAreOutOfRangeWithThePath) {
  auto r = time_from_json(Json::parse("18446744073709551615"), "at");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.errors()[0].code, "value.out_of_range");
  EXPECT_EQ(r.errors()[0].path, "at");
}

TEST(JsonInput, FractionalNumbersAreNotIntegers) {
  auto r = time_from_json(Json::parse("1.0"), "at");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.errors()[0].code, "type.expected_integer");
}

}  // namespace
}  // namespace loyalty
