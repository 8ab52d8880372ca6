// A member's sets of texts (articles liked, codes scanned, tags) hold their
// texts in std::string's own byte order, which the state's JSON and packed
// snapshots write: TextSet orders by each text's first eight bytes as a
// number before the text, and must never order differently.
#include <gtest/gtest.h>

#include <memory>
#include <set>
#include <string>
#include <vector>

#include "loyalty/text_set.hpp"
#include "splitmix64.hpp"

namespace loyalty {
namespace {

// Texts that meet where a first-eight-bytes order could go wrong: shared
// eight-byte starts, prefixes of each other, bytes 0 and >= 0x80, empty.
std::string random_text(testing::SplitMix64& random) {
  static const std::vector<std::string> starts = {"", "a", "article-", "article-2026-", std::string(1, '\0'),
                                                  std::string(9, '\0'), "\xff\xfe", "Z", "art"};
  std::string text = starts[static_cast<std::size_t>(random.below(static_cast<std::int64_t>(starts.size())))];
  const std::int64_t extra = random.below(12);
  for (std::int64_t i = 0; i < extra; ++i) {
    const std::int64_t kind = random.below(4);
    text.push_back(kind == 0   ? '\0'
                   : kind == 1 ? static_cast<char>(0x80 + random.below(128))
                               : static_cast<char>('0' + random.below(3)));
  }
  return text;
}

TEST(TextSet, HoldsTextsInStringOrderWhateverTheirBytes) {
  testing::SplitMix64 random{20261207};
  TextSet texts;
  std::set<std::string> expected;
  for (int i = 0; i < 20000; ++i) {
    const std::string text = random_text(random);
    const bool held = expected.count(text) > 0;
    ASSERT_EQ(texts.count(text), held ? 1u : 0u) << i;
    const auto place = texts.lower_bound(text);
    const auto expected_place = expected.lower_bound(text);
    ASSERT_EQ(place == texts.end(), expected_place == expected.end()) << i;
    if (place != texts.end()) ASSERT_EQ(*place, *expected_place) << i;
    if (random.below(5) == 0) {
      ASSERT_EQ(texts.erase(text), held ? 1u : 0u);
      expected.erase(text);
    } else if (!held) {
      ASSERT_EQ(*texts.emplace_hint(place, text), text);
      expected.insert(text);
    }
  }
  ASSERT_EQ(texts.size(), expected.size());
  EXPECT_TRUE(std::equal(texts.begin(), texts.end(), expected.begin()));
}

TEST(TextSet, AddsATextOnceAndErasesItWhereItWasAdded) {
  TextSet texts{"b", "a"};
  EXPECT_EQ(std::vector<std::string>(texts.begin(), texts.end()), (std::vector<std::string>{"a", "b"}));
  EXPECT_FALSE(texts.insert("a").second);
  const auto [added, is_new] = texts.insert("ab");
  EXPECT_TRUE(is_new);
  texts.erase(added);
  EXPECT_EQ(texts, (TextSet{"a", "b"}));
  EXPECT_NE(texts, (TextSet{"a", "b", "c"}));
}

// A set's nodes come from its own pool: a copy must outlive the set it was
// made from, a moved set must keep its texts in its new place, and the set
// left behind or assigned to must be usable again (ASan sees any node freed
// with the wrong pool).
TEST(TextSet, CopiesAndMovesKeepTheirTextsAfterTheOriginalGoes) {
  auto made = std::make_unique<TextSet>(TextSet{"liked-1", "liked-2"});
  TextSet copy = *made;
  TextSet moved = std::move(*made);
  EXPECT_TRUE(made->empty());
  made->insert("again");
  EXPECT_EQ(*made, (TextSet{"again"}));
  made.reset();
  copy.insert("liked-3");
  moved.insert("liked-0");
  EXPECT_EQ(copy, (TextSet{"liked-1", "liked-2", "liked-3"}));
  EXPECT_EQ(moved, (TextSet{"liked-0", "liked-1", "liked-2"}));

  TextSet assigned{"old"};
  assigned = copy;
  copy = TextSet{};
  EXPECT_TRUE(copy.empty());
  EXPECT_EQ(assigned, (TextSet{"liked-1", "liked-2", "liked-3"}));
  assigned = std::move(moved);
  moved.insert("used again");
  EXPECT_EQ(assigned, (TextSet{"liked-0", "liked-1", "liked-2"}));
  EXPECT_EQ(moved, (TextSet{"used again"}));
}

TEST(TextSet, AnEmptySetTakesItsFirstTextAtTheHintItGave) {
  TextSet texts;
  EXPECT_EQ(texts.count("a"), 0u);
  EXPECT_EQ(texts.node_bytes(), 0u);  // no pool until a text comes
  const auto at = texts.lower_bound("a");
  EXPECT_EQ(at, texts.end());
  EXPECT_EQ(*texts.emplace_hint(at, "a"), "a");
  EXPECT_GT(texts.node_bytes(), 0u);
  EXPECT_EQ(texts, (TextSet{"a"}));
}

}  // namespace
}  // namespace loyalty
