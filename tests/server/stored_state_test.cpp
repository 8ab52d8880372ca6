// Members are stored as the core's binary snapshot, compressed when large;
// rows written as JSON before that still read, and bytes that are none of
// these are refused.
#include <gtest/gtest.h>

#include <fstream>
#include <random>
#include <sstream>

#include "loyalty/apply.hpp"
#include "loyalty/engine.hpp"
#include "loyalty/packed_snapshot.hpp"
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

// What the sync server stores after a request: the snapshot written with its
// orders kept, and the orders compressed apart.
std::string stored_as_the_server_does(const Program& program, const MemberState& state) {
  std::size_t orders_at = 0;
  const std::string snapshot = state_snapshot(program, state, /*keep_orders=*/true, &orders_at);
  return stored_form_of_snapshot(snapshot, orders_at, state.orders, program);
}

Event event_of(const Program& program, const std::string& json) {
  return event_from_json(program, parse_json(json).value(), "event").value();
}

TEST(StoredState, LargeHeldOrdersAreCompressedApartAndReadBackExactly) {
  const Engine engine = bakery();
  const Program& program = engine.program();
  const MemberState state = member_with_orders(program, 120);
  const std::string stored = stored_as_the_server_does(program, state);
  EXPECT_EQ(stored.substr(0, 3), "LCO");
  EXPECT_LT(stored.size() * 2, state_snapshot(program, state).size());
  auto back = read_stored_state(program, stored);
  ASSERT_TRUE(back.ok()) << back.errors()[0].code;
  EXPECT_EQ(state_snapshot(program, back.value()), state_snapshot(program, state));
  auto join = read_stored_join(program, stored);
  ASSERT_TRUE(join.ok());
  EXPECT_EQ(join.value().joined_at, state.joined_at);
  // Few orders are compressed with the rest, as before.
  const MemberState few = member_with_orders(program, 2);
  EXPECT_EQ(stored_as_the_server_does(program, few), stored_form(program, few));
}

// The orders' block is made once and reused while no order changes; a
// stale block would lose the order placed or refunded since.
TEST(StoredState, TheOrdersBlockIsReusedUntilAnOrderChanges) {
  const Engine engine = bakery();
  const Program& program = engine.program();
  MemberState state = member_with_orders(program, 60);
  const TimeMs last = state.orders.back().at;
  const std::vector<std::string> events = {
      R"({"type":"redeem","id":"r1","at":)" + std::to_string(last + 1000) + R"(,"points":1,"reward_id":"x"})",
      R"({"type":"order","id":"o-new","order_id":"o-new","at":)" + std::to_string(last + 2000) +
          R"(,"lines":[{"sku":"bread","category":"bread","unit_price":1200,"quantity":2}]})",
      R"({"type":"redeem","id":"r2","at":)" + std::to_string(last + 3000) + R"(,"points":1,"reward_id":"x"})",
      R"({"type":"refund","id":"f1","order_id":"o-new","at":)" + std::to_string(last + 4000) + "}",
  };
  (void)stored_as_the_server_does(program, state);
  std::string block = state.orders.kept_derived();
  ASSERT_FALSE(block.empty());
  for (std::size_t i = 0; i < events.size(); ++i) {
    ASSERT_TRUE(apply_in_place(program, state, event_of(program, events[i])).ok()) << events[i];
    const bool orders_changed = i % 2 == 1;
    EXPECT_EQ(state.orders.kept_derived().empty(), orders_changed) << events[i];
    const std::string stored = stored_as_the_server_does(program, state);
    ASSERT_EQ(stored.substr(0, 3), "LCO");
    EXPECT_EQ(stored.substr(stored.size() - block.size()) == block, !orders_changed) << events[i];
    block = state.orders.kept_derived();
    auto back = read_stored_state(program, stored);
    ASSERT_TRUE(back.ok()) << back.errors()[0].code;
    EXPECT_EQ(state_json(program, back.value()), state_json(program, state)) << events[i];
  }
}

TEST(StoredState, OrdersCompressedApartThatAreDamagedAreRefusedWithACode) {
  const Engine engine = bakery();
  const Program& program = engine.program();
  const std::string stored = stored_as_the_server_does(program, member_with_orders(program, 120));
  ASSERT_EQ(stored.substr(0, 3), "LCO");
  auto with_size = [&](std::size_t at, std::uint32_t size) {
    std::string bad = stored;
    for (std::size_t i = 0; i < 4; ++i) bad[at + i] = static_cast<char>((size >> (8 * i)) & 0xff);
    return bad;
  };
  // The orders begin past the end, are longer than the state, the first block runs past the bytes.
  for (const std::string& bad : {stored.substr(0, 12), with_size(7, 0xffffff), with_size(11, 0xffffff),
                                 with_size(15, 0xffffff), with_size(15, 3), stored.substr(0, stored.size() - 1)}) {
    auto read = read_stored_state(program, bad);
    ASSERT_FALSE(read.ok());
    EXPECT_EQ(read.errors()[0].code, "state.bad_compression");
  }
}

// A client opens what the server stores and sends ("state": "packed") with
// the core's own LZ4 decoder: it must give back exactly what liblz4 packed,
// for any bytes (runs, text, noise, in sizes around LZ4's limits), and the
// server's states whole or with their orders apart.
TEST(StoredState, WhatTheServerPacksTheCoreUnpacksWithItsOwnDecoder) {
  // Packed one after another on this thread, which reuses its LZ4 state:
  // each block must stand alone, with no match into the one before.
  std::mt19937_64 random(20261207);
  for (std::size_t size : {1024u, 1500u, 4096u, 65535u, 65536u, 70000u, 300000u}) {
    for (int kind = 0; kind < 3; ++kind) {
      std::string bytes(size, '\0');
      for (std::size_t i = 0; i < size; ++i) {
        const std::uint64_t r = random();
        bytes[i] = kind == 0 ? static_cast<char>(r) : kind == 1 ? "order-cake-"[r % 11] : static_cast<char>(i / 300);
      }
      const std::string packed = stored_form_of_snapshot(bytes);
      ASSERT_EQ(packed.substr(0, 3), "LCZ");
      auto unpacked = unpacked_snapshot(packed);
      ASSERT_TRUE(unpacked.ok()) << "size " << size << " kind " << kind;
      EXPECT_TRUE(unpacked.value() == bytes) << "size " << size << " kind " << kind;
    }
  }
  const Engine engine = bakery();
  const Program& program = engine.program();
  for (int orders : {30, 120}) {
    const MemberState state = member_with_orders(program, orders);
    for (const std::string& stored : {stored_form(program, state), stored_as_the_server_does(program, state)}) {
      auto opened = member_state_from_snapshot(program, stored);  // the core's decoder
      ASSERT_TRUE(opened.ok()) << stored.substr(0, 3) << ": " << opened.errors()[0].code;
      EXPECT_EQ(state_snapshot(program, opened.value()), state_snapshot(program, state)) << stored.substr(0, 3);
    }
  }
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
