// JsonDocument, the flat document every reader of the core works on: the
// parts parse_json's comparison with nlohmann cannot see (lookups, the
// order of members, where strings live, a tree viewed as a document).
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "loyalty/json_codec.hpp"
#include "loyalty/json_value.hpp"
#include "splitmix64.hpp"

namespace loyalty {
namespace {

// `count` keys "k0".."k<count-1>" in a shuffled order, each with its number.
std::string shuffled_object(int count, std::uint64_t seed) {
  std::vector<int> order(static_cast<std::size_t>(count));
  for (int i = 0; i < count; ++i) order[static_cast<std::size_t>(i)] = i;
  testing::SplitMix64 random{seed};
  for (std::size_t i = order.size(); i > 1; --i) std::swap(order[i - 1], order[random.next() % i]);
  std::string text = "{";
  for (int i : order) text += (text.size() > 1 ? "," : "") + std::string("\"k") + std::to_string(i) + "\":" + std::to_string(i);
  return text + "}";
}

TEST(JsonDocument, MembersOfObjectsLargeAndSmallAreSortedAndFoundByKey) {
  for (int count : {1, 3, 8, 16, 17, 40, 300}) {
    const std::string text = shuffled_object(count, static_cast<std::uint64_t>(count));
    auto doc = JsonDocument::parse(text);
    ASSERT_TRUE(doc.ok()) << text;
    const JsonValue& root = doc.value().root();
    ASSERT_EQ(root.size(), static_cast<std::size_t>(count));
    EXPECT_TRUE(std::is_sorted(root.members_begin(), root.members_end(),
                               [](const JsonMember& a, const JsonMember& b) { return a.key < b.key; }));
    for (int i = 0; i < count; ++i) {
      const JsonValue* v = root.find("k" + std::to_string(i));
      ASSERT_NE(v, nullptr) << "k" << i << " of " << count;
      EXPECT_EQ(v->int64(), i);
    }
    EXPECT_EQ(root.find("k"), nullptr);
    EXPECT_EQ(root.find("k" + std::to_string(count)), nullptr);
    EXPECT_EQ(root.find_index("zz"), root.size());
  }
}

TEST(JsonDocument, AMemberIsFoundWhereverTheSearchStarts) {
  // Readers start each lookup after the member they found last; a search
  // starting anywhere, past the end too, finds every member and no other.
  for (int count : {1, 5, 16, 17, 40}) {
    const std::string text = shuffled_object(count, 11);
    auto doc = JsonDocument::parse(text);
    ASSERT_TRUE(doc.ok()) << text;
    const JsonValue& root = doc.value().root();
    for (std::size_t from = 0; from <= root.size() + 1; ++from) {
      for (int i = 0; i < count; ++i) {
        const std::size_t index = root.find_index("k" + std::to_string(i), from);
        ASSERT_LT(index, root.size()) << "k" << i << " from " << from;
        EXPECT_EQ(root.members_begin()[index].value.int64(), i);
      }
      EXPECT_EQ(root.find_index("k", from), root.size());
    }
  }
}

TEST(JsonDocument, ADuplicateKeyIsRefusedWhereItIsInAnyObject) {
  // Sorted, small unsorted and large unsorted objects take three ways to the same answer.
  for (int count : {5, 12, 40, 300}) {
    std::string text = shuffled_object(count, 7);
    text.pop_back();
    text += ",\"k3\":0,\"after\":[}";  // the duplicate comes before the syntax error
    auto doc = JsonDocument::parse(text);
    ASSERT_FALSE(doc.ok());
    EXPECT_EQ(doc.errors().front().code, "json.duplicate_key") << count;
    EXPECT_EQ(doc.errors().front().message,
              "duplicate key \"k3\" (byte " + std::to_string(text.find(",\"k3\":0,") + 6) + ")");
  }
}

TEST(JsonDocument, PlainStringsAreViewedInTheTextAndEscapedOnesWrittenOut) {
  const std::string text = R"({"plain":"caf\u00e9 au lait","id":"o-1","utf8":"金卡"})";
  auto doc = JsonDocument::parse(text);
  ASSERT_TRUE(doc.ok());
  const JsonValue& root = doc.value().root();
  const auto inside_text = [&](std::string_view s) {
    return s.data() >= text.data() && s.data() + s.size() <= text.data() + text.size();
  };
  EXPECT_EQ(root.find("plain")->str(), "café au lait");
  EXPECT_FALSE(inside_text(root.find("plain")->str()));
  EXPECT_EQ(root.find("id")->str(), "o-1");
  EXPECT_TRUE(inside_text(root.find("id")->str()));
  EXPECT_EQ(root.find("utf8")->str(), "金卡");
  EXPECT_TRUE(inside_text(root.find("utf8")->str()));
}

TEST(JsonDocument, ATreeViewedAsADocumentGivesTheSameTreeBack) {
  const Json tree = Json::parse(R"({"a":[1,-2,18446744073709551615,true,null,"x",{"b":{}},[]],"c":{"e":"\u00e9","d":[[[]]]}})");
  const JsonDocument doc = JsonDocument::from(tree);
  const Json back = JsonDocument::to_json(doc.root());
  EXPECT_EQ(back.dump(), tree.dump());
  EXPECT_TRUE(doc.root().find("a")->operator[](1).is_number_integer());
  EXPECT_FALSE(doc.root().find("a")->operator[](1).is_number_unsigned());
  EXPECT_TRUE(doc.root().find("a")->operator[](2).is_number_unsigned());
  EXPECT_EQ(doc.root().find("a")->operator[](2).uint64(), 18446744073709551615u);
}

TEST(JsonDocument, ADocumentMovedKeepsItsValues) {
  const std::string text = R"({"lines":[{"sku":"a","quantity":2},{"sku":"b","quantity":3}]})";
  auto parsed = JsonDocument::parse(text);
  ASSERT_TRUE(parsed.ok());
  JsonDocument doc = std::move(parsed).value();
  JsonDocument moved = std::move(doc);
  const JsonValue* lines = moved.root().find("lines");
  ASSERT_NE(lines, nullptr);
  ASSERT_EQ(lines->size(), 2u);
  EXPECT_EQ((*lines)[1].find("sku")->str(), "b");
  EXPECT_EQ((*lines)[1].find("quantity")->int64(), 3);
  EXPECT_EQ(lines->begin() + 2, lines->end());
  EXPECT_EQ(moved.root().begin(), moved.root().end());  // an object has no items
}

}  // namespace
}  // namespace loyalty
