// Members are stored as the core's binary snapshot; rows written as JSON
// before that still read, and bytes that are neither are refused.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "loyalty/engine.hpp"
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
