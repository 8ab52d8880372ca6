#include "../../core/src/json_writer.hpp"

#include <gtest/gtest.h>

#include "loyalty/json_codec.hpp"

namespace loyalty {
namespace {

TEST(JsonWriter, EscapesStringsExactlyAsNlohmannDumps) {
  std::string every_byte;
  for (int c = 1; c < 128; ++c) every_byte += static_cast<char>(c);
  every_byte += "面包 \xF0\x9F\x8D\x9E";  // multi-byte UTF-8 passes through
  JsonWriter w;
  w.value(std::string_view(every_byte));
  EXPECT_EQ(w.take(), Json(every_byte).dump());
}

TEST(JsonWriter, WritesTheCanonicalFormOfNestedValues) {
  JsonWriter w;
  w.begin_object();
  w.key("a").begin_array().value(std::int64_t{-1}).null().value(true).begin_object().end_object().end_array();
  w.field("b", std::int64_t{kMaxSafeInteger});
  w.key("c").raw(R"({"x":[]})");
  w.end_object();
  const std::string text = w.take();
  EXPECT_EQ(text, Json::parse(text).dump());
  EXPECT_EQ(text, R"({"a":[-1,null,true,{}],"b":9007199254740991,"c":{"x":[]}})");
}

#ifndef NDEBUG
TEST(JsonWriterDeathTest, UnsortedKeysAreCaughtInDebugBuilds) {
  EXPECT_DEATH(
      {
        JsonWriter w;
        w.begin_object().field("b", std::int64_t{1}).field("a", std::int64_t{2});
      },
      "sorted");
}
#endif

}  // namespace
}  // namespace loyalty
