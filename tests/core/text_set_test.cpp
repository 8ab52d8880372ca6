// A member's sets of texts (articles liked, codes scanned, tags) hold their
// texts in std::string's own byte order, which the state's JSON and packed
// snapshots write: TextSet orders by each text's first eight bytes as a
// number before the text, and must never order differently.
#include <gtest/gtest.h>

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

}  // namespace
}  // namespace loyalty
