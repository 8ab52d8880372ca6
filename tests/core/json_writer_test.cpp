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

// The bytes a tape holds, as hex pairs, for comparing with the layout that
// answer_tape.hpp documents (and wasm/js/tape.js reads).
std::string hex(const std::string& bytes) {
  static const char* digits = "0123456789abcdef";
  std::string out;
  for (unsigned char b : bytes) {
    if (!out.empty()) out += ' ';
    out += digits[b >> 4];
    out += digits[b & 15];
  }
  return out;
}

TEST(JsonWriter, WritesTapesAsAnswerTapeDocuments) {
  TapeStrings strings;
  JsonWriter w(&strings);
  w.begin_object();
  w.field("a", std::int64_t{-2}).field("b", std::int64_t{1} << 40).field("c", std::string_view("a"));
  w.key("d").begin_array().null().value(true).value(false).raw("[1]").end_array();
  w.end_object();
  EXPECT_EQ(hex(w.take()),
            "00 00 00 00 01 "                       // no strings held; an object
            "0c 01 00 61 08 fe ff ff ff "           // "a" sent (index 0): -2
            "0c 01 00 62 09 00 00 00 00 00 01 00 00 "  // "b": 2^40 as two halves
            "0c 01 00 63 0b 00 00 "                 // "c": "a" again, by index
            "0c 01 00 64 03 05 06 07 0d 03 00 00 00 5b 31 5d 04 02");
  JsonWriter again(&strings);
  again.value(std::string_view("b"));
  EXPECT_EQ(hex(again.take()), "04 00 00 00 0b 01 00") << "four strings held; \"b\" by its index";
}

// A need as preview and tierProgress answers hold them, in an array.
void write_need(JsonWriter& w) {
  w.begin_array().begin_object(TapeShape::need);
  w.field("have", std::int64_t{1}).field("metric", std::string_view("growth"));
  w.field("missing", std::int64_t{2}).field("need", std::int64_t{3});
  w.end_object().end_array();
}

TEST(JsonWriter, WritesAShapedObjectAsItsValuesOnlyInATapeAndWhollyInJson) {
  TapeStrings strings;
  JsonWriter tape(&strings);
  write_need(tape);
  EXPECT_EQ(hex(tape.take()),
            "00 00 00 00 03 "                  // no strings held; an array
            "0e 04 "                           // an object of shape 4 (TapeShape::need):
            "08 01 00 00 00 "                  // have
            "0c 06 00 67 72 6f 77 74 68 "      // metric: "growth", the only string sent
            "08 02 00 00 00 08 03 00 00 00 "   // missing, need
            "02 04");
  EXPECT_EQ(strings.size(), 1u) << "a shaped object's keys are not sent";
  JsonWriter json;
  write_need(json);
  EXPECT_EQ(json.take(), R"([{"have":1,"metric":"growth","missing":2,"need":3}])");
  EXPECT_EQ(tape_shape_keys(TapeShape::need), (std::vector<std::string_view>{"have", "metric", "missing", "need"}));
}

#ifndef NDEBUG
TEST(JsonWriterDeathTest, AShapedObjectWithOtherKeysIsCaughtInDebugBuilds) {
  EXPECT_DEATH(
      {
        JsonWriter w;
        w.begin_object(TapeShape::need).field("have", std::int64_t{1}).field("need", std::int64_t{2});
      },
      "shape");
  EXPECT_DEATH(
      {
        TapeStrings strings;
        JsonWriter w(&strings);
        w.begin_object(TapeShape::step).field("points", std::int64_t{1}).end_object();
      },
      "every key of its shape");
}
#endif

TEST(TapeStrings, TakesAStringByItsTextNotByWhereItLives) {
  TapeStrings strings;
  TapeStrings::Found found;
  char buffer[] = "2026-11-30";
  ASSERT_TRUE(strings.find(buffer, found));
  EXPECT_TRUE(found.added);
  buffer[9] = '1';  // the same address, other text: a date written into the same buffer the next day
  ASSERT_TRUE(strings.find(buffer, found));
  EXPECT_TRUE(found.added);
  EXPECT_EQ(found.index, 1);
  const std::string copy = "2026-11-30";
  ASSERT_TRUE(strings.find(copy, found));
  EXPECT_FALSE(found.added);
  EXPECT_EQ(found.index, 0);
  char sku[] = "sku-espresso-double-shot";  // compared eight bytes at a time: changed in the second eight
  ASSERT_TRUE(strings.find(sku, found));
  EXPECT_EQ(found.index, 2);
  sku[12] = '_';
  ASSERT_TRUE(strings.find(sku, found));
  EXPECT_TRUE(found.added);
  EXPECT_EQ(found.index, 3);
  ASSERT_TRUE(strings.find(sku, found));
  EXPECT_FALSE(found.added) << "the same address and text again";
  EXPECT_EQ(found.index, 3);
  // Shorter than a word: compared as two overlapping halves, or byte by byte.
  char six[] = "tier-a";
  char three[] = "abc";
  ASSERT_TRUE(strings.find(six, found));
  ASSERT_TRUE(strings.find(three, found));
  six[3] = '_';
  three[1] = 'x';
  ASSERT_TRUE(strings.find(six, found));
  EXPECT_TRUE(found.added) << "a six-byte text changed in its middle";
  ASSERT_TRUE(strings.find(three, found));
  EXPECT_TRUE(found.added) << "a three-byte text changed in its middle";
}

TEST(TapeStrings, NeighbouringStringsKeepTheirOwnSlots) {
  // Keys as literals lie: eight bytes apart, sizes 7 and 15 (the low bits
  // of address and size together are the same for both).
  alignas(16) static const char keys[] = "drop_to\0evaluation_date";
  const std::string_view first(keys, 7), second(keys + 8, 15);
  TapeStrings strings;
  TapeStrings::Found found;
  ASSERT_TRUE(strings.find(first, found));
  ASSERT_TRUE(strings.find(second, found));
  const std::size_t lookups = strings.text_lookups();
  for (int answer = 0; answer < 10; ++answer) {
    ASSERT_TRUE(strings.find(first, found));
    EXPECT_EQ(found.index, 0);
    ASSERT_TRUE(strings.find(second, found));
    EXPECT_EQ(found.index, 1);
  }
  EXPECT_EQ(strings.text_lookups(), lookups) << "each found by its slot, none evicting the other";
}

TEST(TapeStrings, SendsLongStringsAndThoseBeyondItsBoundAsTheyAre) {
  TapeStrings strings;
  TapeStrings::Found found;
  EXPECT_FALSE(strings.find(std::string(TapeStrings::kMaxLength + 1, 'x'), found));
  std::vector<std::string> many;
  for (std::size_t i = 0; i <= TapeStrings::kMaxStrings; ++i) many.push_back("s" + std::to_string(i));
  for (std::size_t i = 0; i < TapeStrings::kMaxStrings; ++i) ASSERT_TRUE(strings.find(many[i], found));
  EXPECT_FALSE(strings.find(many.back(), found));
  EXPECT_TRUE(strings.find(many.front(), found)) << "those held are still found";
  strings.clear();
  EXPECT_EQ(strings.size(), 0u);
  ASSERT_TRUE(strings.find(many.back(), found));
  EXPECT_TRUE(found.added);
}

}  // namespace
}  // namespace loyalty
