// Members are stored as the core's binary snapshot, compressed when large;
// rows written as JSON before that still read, and bytes that are none of
// these are refused.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "loyalty/apply.hpp"
#include "loyalty/engine.hpp"
#include "loyalty/state_snapshot.hpp"
#include "loyalty/json_codec.hpp"
#include "stored_state.hpp"

namespace loyalty::server {
namespace {

Engine bakery() {
  std::ifstream in(std::string(LOYALTY_SOURCE_DIR) + "/programs/bakery.json");
  std::stringstream text;
  text << in.rdbuf();
  return Engine::load(text.str()).value();
}

TEST(StoredState, IsTheBinarySnapshotAndReadsBackExactly) {
  const Engine engine = bakery();
  const Program& program = engine.program();
  const std::string json = R"({"member_id":"m1","joined_at":1795276800000,"growth":120,"birthday":"03-14"})";
  const MemberState state = member_state_from_json(program, parse_json(json).value(), "state").value();
  const std::string stored = stored_form(program, state);
  EXPECT_EQ(stored.substr(0, 3), "LCS");
  EXPECT_LT(stored.size(), state_json(program, state).size());
  auto back = read_stored_state(program, stored);
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(state_json(program, back.value()), state_json(program, state));
}

// A member with a year of orders: its snapshot is several KB.
MemberState member_with_orders(const Program& program, int orders) {
  MemberState state = member_state_from_json(program, parse_json(R"({"member_id":"m1","joined_at":1795276800000})").value(),
                                             "state").value();
  for (int i = 0; i < orders; ++i) {
    const std::string id = "order-" + std::to_string(i);
    const std::string event = R"({"type":"order","id":")" + id + R"(","order_id":")" + id + R"(","at":)" +
                              std::to_string(1795276800000 + i * 86400000LL) +
                              R"(,"lines":[{"sku":"cake","category":"cake","unit_price":3800,"quantity":1}]})";
    auto applied = apply_in_place(program, state, event_from_json(program, parse_json(event).value(), "event").value());
    EXPECT_TRUE(applied.ok());
  }
  return state;
}

TEST(StoredState, ALargeStateIsKeptCompressedAndReadsBackExactly) {
  const Engine engine = bakery();
  const Program& program = engine.program();
  const MemberState state = member_with_orders(program, 120);
  const std::string snapshot = state_snapshot(program, state);
  ASSERT_GT(snapshot.size(), 4000u);
  const std::string stored = stored_form(program, state);
  EXPECT_EQ(stored.substr(0, 3), "LCZ");
  EXPECT_LT(stored.size() * 2, snapshot.size());
  EXPECT_EQ(stored, stored_form_of_snapshot(snapshot));
  auto back = read_stored_state(program, stored);
  ASSERT_TRUE(back.ok()) << back.errors()[0].code;
  EXPECT_EQ(state_snapshot(program, back.value()), snapshot);
  // A small state is its snapshot as it is: compressing it would save nothing.
  const MemberState few = member_with_orders(program, 1);
  EXPECT_EQ(stored_form(program, few), state_snapshot(program, few));
}

TEST(StoredState, ACompressedStateThatIsDamagedIsRefusedWithACode) {
  const Engine engine = bakery();
  const Program& program = engine.program();
  const std::string stored = stored_form(program, member_with_orders(program, 120));
  ASSERT_EQ(stored.substr(0, 3), "LCZ");
  std::string claims_more = stored;
  claims_more[6] = '\x7f';  // a size of about 2 GB
  std::string corrupted = stored;
  for (std::size_t i = 20; i < corrupted.size(); i += 7) corrupted[i] = static_cast<char>(corrupted[i] ^ 0x5a);
  // Damage found by the decompression or by the snapshot's reader is an error with a code, not a crash.
  for (const std::string& bad : {stored.substr(0, 5), stored.substr(0, stored.size() / 2), claims_more, corrupted}) {
    auto read = read_stored_state(program, bad);
    ASSERT_FALSE(read.ok());
    EXPECT_FALSE(read.errors()[0].code.empty());
  }
  EXPECT_EQ(read_stored_state(program, stored.substr(0, 5)).errors()[0].code, "state.bad_compression");
  EXPECT_EQ(read_stored_state(program, claims_more).errors()[0].code, "state.bad_compression");
}

TEST(StoredState, RowsStoredAsJsonStillRead) {
  const Engine engine = bakery();
  auto old = read_stored_state(engine.program(), R"({"member_id":"m1","joined_at":1795276800000,"growth":7})");
  ASSERT_TRUE(old.ok());
  EXPECT_EQ(old.value().growth, 7);
}

TEST(StoredState, BytesThatAreNeitherAreRefusedWithACode) {
  const Engine engine = bakery();
  auto broken = read_stored_state(engine.program(), "LCS\x01\xff");
  ASSERT_FALSE(broken.ok());
  EXPECT_FALSE(broken.errors()[0].code.empty());
  EXPECT_FALSE(read_stored_state(engine.program(), "{\"member_id\":").ok());
}

}  // namespace
}  // namespace loyalty::server
