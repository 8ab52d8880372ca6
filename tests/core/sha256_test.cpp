// Known answers from FIPS 180-4's examples and RFC 4231.
#include <gtest/gtest.h>

#include <string>

#include "loyalty/sha256.hpp"

#include "../../core/src/sha256_blocks.hpp"
#include "splitmix64.hpp"

namespace loyalty {
namespace {

TEST(Sha256, MatchesTheStandardsKnownAnswers) {
  EXPECT_EQ(to_hex(sha256("")), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(to_hex(sha256("abc")), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(to_hex(sha256("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq")),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  EXPECT_EQ(to_hex(sha256(std::string(1000000, 'a'))),
            "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

TEST(Sha256, GivesTheSameDigestHoweverTheInputIsSplit) {
  const std::string text(200, 'x');
  for (std::size_t cut : {0u, 1u, 55u, 56u, 63u, 64u, 65u, 199u}) {
    Sha256 hash;
    hash.update(std::string_view(text).substr(0, cut));
    hash.update(std::string_view(text).substr(cut));
    EXPECT_EQ(hash.finish(), sha256(text)) << cut;
  }
}

TEST(Sha256, CpuInstructionsGiveThePortableRoundsResults) {
  if (!sha256_blocks::cpu_has_sha_instructions()) GTEST_SKIP() << "this CPU has no SHA instructions";
  testing::SplitMix64 random{7};
  for (int round = 0; round < 2000; ++round) {
    sha256_blocks::State state;
    for (auto& word : state) word = static_cast<std::uint32_t>(random.next());
    std::array<std::uint8_t, 64> block;
    for (auto& byte : block) byte = static_cast<std::uint8_t>(random.next());
    sha256_blocks::State portable = state, cpu = state;
    sha256_blocks::compress_portable(portable, block.data());
    ASSERT_TRUE(sha256_blocks::compress_with_cpu(cpu, block.data()));
    ASSERT_EQ(cpu, portable) << round;
  }
}

TEST(HmacSha256, MatchesRfc4231) {
  EXPECT_EQ(to_hex(hmac_sha256(std::string(20, '\x0b'), "Hi There")),
            "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
  EXPECT_EQ(to_hex(hmac_sha256("Jefe", "what do ya want for nothing?")),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  EXPECT_EQ(to_hex(hmac_sha256(std::string(20, '\xaa'), std::string(50, '\xdd'))),
            "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe");
  // A key longer than a block is hashed first.
  EXPECT_EQ(to_hex(hmac_sha256(std::string(131, '\xaa'), "Test Using Larger Than Block-Size Key - Hash Key First")),
            "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
}

TEST(BytesFromHex, ReadsEitherCaseAndRefusesWhatIsNotHex) {
  EXPECT_EQ(bytes_from_hex("00ffABcd7e"), std::string("\x00\xff\xab\xcd\x7e", 5));
  EXPECT_EQ(bytes_from_hex(""), std::string());
  EXPECT_EQ(bytes_from_hex("abc"), std::nullopt);  // an odd count
  for (const char* bad : {"0g", "g0", "-1", " a", "\xff\xff", "0:", "@A", "`a", "fG"}) {
    EXPECT_EQ(bytes_from_hex(bad), std::nullopt) << bad;
  }
}

TEST(ConstantTimeCompare, IsPlainEqualityOnTheResult) {
  EXPECT_TRUE(equal_in_constant_time("abc", "abc"));
  EXPECT_FALSE(equal_in_constant_time("abc", "abd"));
  EXPECT_FALSE(equal_in_constant_time("abc", "ab"));
}

}  // namespace
}  // namespace loyalty
