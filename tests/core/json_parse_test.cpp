// parse_json is our own reader building nlohmann's DOM: it must take exactly
// what nlohmann's parser takes and give the same values, number types
// included (a fraction's value aside: it is not read), apart from what we refuse on purpose (duplicate keys, nesting
// past kMaxJsonDepth, and text after a NUL byte, where nlohmann stops
// reading). Checked on every conformance vector file and on
// 50,000 random edits of small documents.
#include <gtest/gtest.h>

#include <filesystem>
#include <functional>
#include <fstream>
#include <sstream>

#include "loyalty/json_codec.hpp"
#include "splitmix64.hpp"

namespace loyalty {
namespace {

// Equal values of equal types: nlohmann's == takes 1, 1u and 1.0 as equal.
bool same(const Json& a, const Json& b) {
  if (a.type() != b.type()) return false;
  switch (a.type()) {
    case Json::value_t::object: {
      if (a.size() != b.size()) return false;
      for (auto ia = a.begin(), ib = b.begin(); ia != a.end(); ++ia, ++ib) {
        if (ia.key() != ib.key() || !same(*ia, *ib)) return false;
      }
      return true;
    }
    case Json::value_t::array: {
      if (a.size() != b.size()) return false;
      for (std::size_t i = 0; i < a.size(); ++i) {
        if (!same(a[i], b[i])) return false;
      }
      return true;
    }
    // Ours does not read a fraction's value (no reader of the core takes
    // one): a fraction is the same as any other.
    case Json::value_t::number_float: return true;
    default: return a == b;
  }
}

// Ours against nlohmann's on one text; false (with a message) on a difference.
::testing::AssertionResult agrees(const std::string& text) {
  const Json theirs = Json::parse(text, nullptr, false);
  auto ours = parse_json(text);
  if (!ours.ok()) {
    const std::string& code = ours.errors().front().code;
    if (code == "json.duplicate_key" || code == "json.too_deep") return ::testing::AssertionSuccess();  // ours alone refuses
    if (theirs.is_discarded()) return ::testing::AssertionSuccess();
    // nlohmann stops reading at a NUL byte, taking what follows it unread; ours refuses it.
    const std::size_t nul = text.find('\0');
    if (nul != std::string::npos && parse_json(text.substr(0, nul)).ok()) return ::testing::AssertionSuccess();
    return ::testing::AssertionFailure() << "refused only by ours (" << ours.errors().front().message << "): " << text;
  }
  if (theirs.is_discarded()) return ::testing::AssertionFailure() << "taken only by ours: " << text;
  if (!same(ours.value(), theirs)) {
    return ::testing::AssertionFailure() << "different values: " << text << "\n ours " << ours.value().dump()
                                         << "\n theirs " << theirs.dump();
  }
  return ::testing::AssertionSuccess();
}

TEST(JsonParse, ReadsEveryVectorFileAsNlohmannDoes) {
  int files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(std::string(LOYALTY_SOURCE_DIR) + "/tests/vectors")) {
    std::ifstream file(entry.path());
    std::stringstream text;
    text << file.rdbuf();
    EXPECT_TRUE(agrees(text.str())) << entry.path();
    ++files;
  }
  EXPECT_GT(files, 10);
}

// The normalised programme is canonical JSON (nlohmann's dump() of it is
// itself: keys in order, nothing escaped otherwise) and reads back to the
// same text, for every programme the examples and vector files hold.
TEST(JsonParse, NormalisedProgrammesAreCanonicalAndReadBackToThemselves) {
  std::vector<Json> found;
  const std::function<void(const Json&)> collect = [&](const Json& j) {
    if (j.is_object() && j.contains("schema_version") && j.contains("tiers") && j.contains("earning")) found.push_back(j);
    if (j.is_structured()) {
      for (const Json& child : j) collect(child);
    }
  };
  for (const char* dir : {"/programs", "/tests/vectors"}) {
    for (const auto& entry : std::filesystem::directory_iterator(std::string(LOYALTY_SOURCE_DIR) + dir)) {
      std::ifstream file(entry.path());
      std::stringstream text;
      text << file.rdbuf();
      collect(Json::parse(text.str()));
    }
  }
  int valid = 0;
  for (const Json& candidate : found) {
    auto program = program_from_json(candidate);
    if (!program.ok()) continue;
    const std::string text = program_json(program.value());
    EXPECT_EQ(Json::parse(text).dump(), text);
    EXPECT_EQ(program_json(program_from_json(parse_json(text).value()).value()), text);
    ++valid;
  }
  EXPECT_GE(valid, 40);  // with tasks, boxes, paid membership, campaigns, caps
}

TEST(JsonParse, ReadsTheEdgesOfStringsAndNumbersAsNlohmannDoes) {
  const char* texts[] = {
      "0", "-0", "1", "-1", "18446744073709551615", "18446744073709551616", "-9223372036854775808",
      "-9223372036854775809", "9007199254740993", "1.5", "-1.5e3", "1E5", "1e-5", "1e400", "-1e400", "0.0", "1e-310", "-1e-400", "123456789012345678901234567890", "0.000000000000000000000000123456789e5",
      "1.7976931348623157e308", "1.7976931348623158e308", "1.797693134862315808e308", "-1.7976931348623159e308",
      "179769313486231580793728971405303415079934132710037826936173778980444968292764750946649017977587207096330286416692887910946555547851940402630657488671505820681908902000708383676273854845817711531764475730270069855571366959622842914819860834936475292719074168444365510704342711559699508093042880177904174497791",
      "179769313486231580793728971405303415079934132710037826936173778980444968292764750946649017977587207096330286416692887910946555547851940402630657488671505820681908902000708383676273854845817711531764475730270069855571366959622842914819860834936475292719074168444365510704342711559699508093042880177904174497792",
      "0.00001797693134862315808e313", "1e308", "10e308", "-2.5e-3", "99999999999999999999.5",
      "01", "-", "1.", ".5", "+1", "1e", "1e+", "00", "-01", "2.e3",
      "\"\"", "\"a\\u0000b\"", "\"\\ud83d\\ude00\"", "\"\\ud83d\"", "\"\\ude00\"", "\"\\ud83d\\u0041\"",
      "\"\\u00e9\\u4E2D\"", "\"\\x\"", "\"\\u12\"", "\"tab\there\"", "\"\x7f\"",
      "\"\xc3\xa9\"", "\"\xe4\xb8\xad\"", "\"\xf0\x9f\x98\x80\"", "\"\xc0\x80\"", "\"\xc1\xbf\"", "\"\xe0\x80\x80\"",
      "\"\xed\xa0\x80\"", "\"\xf4\x90\x80\x80\"", "\"\xf5\x80\x80\x80\"", "\"\x80\"", "\"\xe4\xb8\"", "\"\xff\"",
      "\xef\xbb\xbf{}", "\xef\xbb{}", " \t\r\n[ 1 , 2 ]\n", "[1,]", "[,1]", "{\"a\":1,}", "{\"a\" 1}", "{1:2}",
      "{}", "[]", "[[]]", "{\"a\":{}}", "true", "false", "null", "tru", "nul", "True", "[true false]", "",
      " ", "{} x", "[1]]", "\"unterminated", "{\"a\":\"b\"", "[\"\\/\"]", "NaN", "Infinity", "-Infinity",
  };
  for (const char* text : texts) EXPECT_TRUE(agrees(text));
}

TEST(JsonParse, AgreesWithNlohmannOnRandomEditsOfSmallDocuments) {
  const std::string seeds[] = {
      R"({"state":{"member_id":"m-1","growth":2500,"lots":[{"id":"e1","points":12,"expires_at":1798732800000}]},"at":1767196800000})",
      R"({"cart":{"lines":[{"sku":"面包","category":"bread","unit_price":1299,"quantity":2}]},"at":-5,"x":[true,false,null,1.5e3]})",
      R"(["\u00e9\ud83d\ude00","a\"b\\c\/d\n",0,-0,18446744073709551615,-9223372036854775808,{"":""}])",
  };
  const std::string palette[] = {"{", "}", "[", "]", ":", ",", "\"", "\\", "u", "0", "1", "9", "-", "+", ".", "e",
                                 "E", "t", "n", " ", "\n", "\\ud800", "\\udc00", "\xc3", "\xa9", "\xed\xa0\x80",
                                 "\xf0\x9f\x98\x80", "\xff", std::string(1, '\0'), "\x1f", "null", "\"k\":"};
  testing::SplitMix64 rng{20261130};
  int checked = 0;
  for (int i = 0; i < 50000; ++i) {
    std::string text = seeds[rng.below(3)];
    const int edits = 1 + static_cast<int>(rng.below(3));
    for (int e = 0; e < edits; ++e) {
      const std::size_t at = static_cast<std::size_t>(rng.below(static_cast<std::int64_t>(text.size()) + 1));
      switch (rng.below(3)) {
        case 0: text.insert(at, palette[rng.below(static_cast<std::int64_t>(std::size(palette)))]); break;
        case 1:
          if (at < text.size()) text.erase(at, static_cast<std::size_t>(1 + rng.below(3)));
          break;
        default:
          if (at < text.size()) text[at] = palette[rng.below(static_cast<std::int64_t>(std::size(palette)))][0];
      }
    }
    ASSERT_TRUE(agrees(text)) << "edit " << i;
    ++checked;
  }
  EXPECT_EQ(checked, 50000);
}

}  // namespace
}  // namespace loyalty
