// Packed snapshots: the core's own LZ4 block decoder gives the bytes back
// exactly, refuses every damaged block without reading or writing outside
// it, and a session opens a packed snapshot as it opens the plain one.
// (That it agrees with liblz4's own output is tested beside the server,
// which links liblz4: tests/server/stored_state_test.cpp.)
#include <gtest/gtest.h>

#include <vector>

#include "event_sequence.hpp"
#include "loyalty/engine.hpp"
#include "loyalty/packed_snapshot.hpp"
#include "loyalty/state_snapshot.hpp"

namespace loyalty {
namespace {

using namespace loyalty::testing;

// An LZ4 length past the token's four bits: 255s, then the rest.
void put_length(std::string& block, std::size_t more) {
  for (; more >= 255; more -= 255) block += static_cast<char>(255);
  block += static_cast<char>(more);
}

// A valid LZ4 block that holds `bytes` as literals only (no match).
std::string literal_block(std::string_view bytes) {
  std::string block;
  block += static_cast<char>((bytes.size() >= 15 ? 15 : bytes.size()) << 4);
  if (bytes.size() >= 15) put_length(block, bytes.size() - 15);
  block += bytes;
  return block;
}

std::string size_bytes(std::size_t size) {
  std::string out(4, '\0');
  put_packed_size(out, 0, size);
  return out;
}

std::string packed_whole(std::string_view snapshot) {
  return std::string(kPackedWhole) + size_bytes(snapshot.size()) + literal_block(snapshot);
}

std::string packed_apart(std::string_view snapshot, std::size_t orders_at, std::size_t orders) {
  const std::string rest = std::string(snapshot.substr(0, orders_at)) + std::string(snapshot.substr(orders_at + orders));
  const std::string first = literal_block(rest);
  return std::string(kPackedOrdersApart) + size_bytes(snapshot.size()) + size_bytes(orders_at) + size_bytes(orders) +
         size_bytes(first.size()) + first + literal_block(snapshot.substr(orders_at, orders));
}

std::string decoded(std::string_view block, std::size_t size) {
  std::string out(size, '\0');
  if (!lz4_block_decode(block, out.data(), size)) return "(refused)";
  return out;
}

TEST(Lz4Block, LiteralsAndMatchesThatOverlapWhatTheyWriteDecodeExactly) {
  // "abc", a match of 10 at offset 3 that repeats what it writes ("abcabcabca"), then a last literal "a".
  const std::string block = std::string("\x36") + "abc" + std::string("\x03\x00", 2) + "\x10" + "a";
  // token 0x36: 3 literals, match length 6 + 4 = 10; then a literal-only sequence of 1.
  EXPECT_EQ(decoded(block, 14), "abcabcabcabcaa");
  EXPECT_EQ(decoded(literal_block(std::string(300, 'x')), 300), std::string(300, 'x'));
  // A long match: 15 + 255 + 10 more, + 4, of one byte repeated.
  std::string long_match = std::string("\x1f") + "z" + std::string("\x01\x00", 2);
  put_length(long_match, 255 + 10);
  long_match += std::string("\x10") + "!";
  EXPECT_EQ(decoded(long_match, 1 + 15 + 255 + 10 + 4 + 1), "z" + std::string(15 + 255 + 10 + 4, 'z') + "!");
  EXPECT_EQ(decoded("", 0), "");
}

TEST(Lz4Block, EveryCutOrChangedByteIsRefusedOrDecodedWithinTheBuffer) {
  const std::string good = std::string("\x36") + "abc" + std::string("\x03\x00", 2) + "\x10" + "a";
  for (std::size_t cut = 0; cut < good.size(); ++cut) {
    EXPECT_EQ(decoded(good.substr(0, cut), 14), "(refused)") << "cut at " << cut;
  }
  EXPECT_EQ(decoded(good, 13), "(refused)") << "a block longer than its room";
  EXPECT_EQ(decoded(good, 15), "(refused)") << "a block shorter than its size";
  EXPECT_EQ(decoded(std::string("\x06\x00\x00", 3), 10), "(refused)") << "offset 0";
  EXPECT_EQ(decoded(std::string("\x16" "a\x02\x00", 4), 11), "(refused)") << "an offset before the start";
  for (std::size_t at = 0; at < good.size(); ++at) {
    for (int value : {0, 1, 15, 16, 127, 240, 255}) {
      std::string changed = good;
      changed[at] = static_cast<char>(value);
      std::vector<char> out(14);  // its own heap block: the sanitizers see a byte written past it
      (void)lz4_block_decode(changed, out.data(), out.size());
    }
  }
}

TEST(PackedSnapshot, ASessionOpensBothFormsAsThePlainSnapshot) {
  const Program program = load("coffee.json");
  Sequence s(program, 4242);
  for (int i = 0; i < 60; ++i) s.step(s.next_event());
  std::size_t orders_at = 0;
  const std::string snapshot = state_snapshot(program, s.state(), false, &orders_at);
  const std::size_t orders = snapshot.size() - orders_at > 40 ? 40 : snapshot.size() - orders_at;
  const std::string expected = state_json(program, s.state());
  for (const std::string& bytes : {packed_whole(snapshot), packed_apart(snapshot, orders_at, orders)}) {
    ASSERT_TRUE(is_packed_snapshot(bytes));
    auto unpacked = unpacked_snapshot(bytes);
    ASSERT_TRUE(unpacked.ok()) << unpacked.errors()[0].message;
    EXPECT_EQ(unpacked.value(), snapshot);
    auto state = member_state_from_snapshot(program, bytes);
    ASSERT_TRUE(state.ok()) << state.errors()[0].code;
    EXPECT_EQ(state_json(program, state.value()), expected);
  }
}

TEST(PackedSnapshot, DamagedOrNestedPackingIsRefusedWithACode) {
  const Program program = load("bakery.json");
  const std::string snapshot = state_snapshot(program, MemberState{});
  const std::string whole = packed_whole(snapshot);
  const auto code = [&](std::string_view bytes) {
    auto state = member_state_from_snapshot(program, bytes);
    return state.ok() ? std::string("(read)") : state.errors()[0].code;
  };
  for (std::size_t cut = 3; cut < whole.size(); ++cut) {
    EXPECT_EQ(code(whole.substr(0, cut)), "state.bad_compression") << "cut at " << cut;
  }
  std::string too_large = whole;
  put_packed_size(too_large, 3, 1u << 30);
  EXPECT_EQ(code(too_large), "state.bad_compression") << "a size no block of its length holds";
  std::string apart = packed_apart(snapshot, 2, 3);
  put_packed_size(apart, 7, snapshot.size());  // the orders begin past the end
  EXPECT_EQ(code(apart), "state.bad_compression");
  EXPECT_EQ(code(packed_whole(whole)), "snapshot.bad_header") << "packed bytes hold a plain snapshot only";
}

}  // namespace
}  // namespace loyalty
