// The binary state snapshot: every state the core makes round-trips exactly
// (its JSON snapshot is the same after), and bytes that are cut short or
// damaged are an error with a code and a path, or a state the JSON reader
// also takes; never a crash.
#include <gtest/gtest.h>

#include "event_sequence.hpp"
#include "loyalty/apply.hpp"
#include "loyalty/state_snapshot.hpp"

namespace loyalty {
namespace {

using namespace loyalty::testing;

// A state with something in every part: a year of a random member's events.
MemberState rich_state(const Program& program, std::uint64_t seed) {
  Sequence s(program, seed);
  for (int i = 0; i < 60; ++i) {
    s.step(s.next_event());
    if (::testing::Test::HasFatalFailure()) break;
  }
  return s.state();
}

class StateSnapshots : public ::testing::TestWithParam<const char*> {};

TEST_P(StateSnapshots, EveryStateTheCoreMakesRoundTripsExactly) {
  const Program program = load(GetParam());
  for (std::uint64_t seed = 1; seed <= 12; ++seed) {
    Sequence s(program, seed * 104729);
    for (int i = 0; i < 40; ++i) {
      s.step(s.next_event());
      if (HasFatalFailure()) return;
      const std::string bytes = state_snapshot(program, s.state());
      auto back = member_state_from_snapshot(program, bytes);
      ASSERT_TRUE(back.ok()) << back.errors()[0].code << " at " << back.errors()[0].path << " (seed " << seed << ")";
      ASSERT_EQ(state_json(program, back.value()), state_json(program, s.state())) << "seed " << seed << " event " << i;
      ASSERT_EQ(state_snapshot(program, back.value()), bytes);
    }
  }
}

// The sync server writes a member after every request and keeps the
// orders' bytes between writes: they must be what a fresh write gives after
// any event (orders placed, refunded, redeemed on, forgotten as time passes),
// and after the state is moved or copied; what the server makes of them
// (kept_derived) is forgotten with them, and the snapshot says where they are.
TEST_P(StateSnapshots, OrdersKeptBetweenWritesAreWhatAFreshWriteGives) {
  const Program program = load(GetParam());
  for (std::uint64_t seed = 1; seed <= 6; ++seed) {
    Sequence s(program, seed * 7919);
    MemberState held = s.state();
    std::size_t reused = 0;
    for (int i = 0; i < 80; ++i) {
      const Event e = s.next_event();
      s.step(e);
      if (HasFatalFailure()) return;
      (void)apply_in_place(program, held, e);
      if (i % 9 == 4) {
        MemberState moved = std::move(held);
        EXPECT_TRUE(moved.orders.empty() || held.orders.empty());
        held = std::move(moved);
      }
      if (i % 13 == 6) held = MemberState(held);
      if (held.orders.kept_snapshot(&program)) {
        ++reused;
        EXPECT_EQ(held.orders.kept_derived(), "made at " + std::to_string(i - 1));  // kept with the bytes
      } else {
        EXPECT_EQ(held.orders.kept_derived(), "");  // forgotten with them
      }
      std::size_t orders_at = 0;
      const std::string kept = state_snapshot(program, held, /*keep_orders=*/true, &orders_at);
      ASSERT_EQ(kept, state_snapshot(program, s.state())) << "seed " << seed << " event " << i;
      ASSERT_EQ(kept, state_snapshot(program, held)) << "seed " << seed << " event " << i;
      const std::string& orders = *held.orders.kept_snapshot(&program);
      ASSERT_EQ(kept.substr(orders_at, orders.size()), orders) << "seed " << seed << " event " << i;
      held.orders.keep_derived("made at " + std::to_string(i));
    }
    EXPECT_GT(reused, 0u) << "seed " << seed << ": the orders were never reused";
  }
}

// A new published version of the programme writes the orders again, and
// what a host made of the old version's bytes goes with them.
TEST_P(StateSnapshots, WhatWasMadeOfTheOrdersIsForgottenWhenAnotherVersionWritesThem) {
  const Program program = load(GetParam());
  const Program next = load(GetParam());
  const MemberState state = rich_state(program, 11);
  (void)state_snapshot(program, state, /*keep_orders=*/true);
  state.orders.keep_derived("made under the first");
  (void)state_snapshot(program, state, /*keep_orders=*/true);
  EXPECT_EQ(state.orders.kept_derived(), "made under the first");
  (void)state_snapshot(next, state, /*keep_orders=*/true);
  ASSERT_NE(state.orders.kept_snapshot(&next), nullptr);
  EXPECT_EQ(state.orders.kept_derived(), "");
}

TEST_P(StateSnapshots, ACutShortSnapshotIsAnErrorAtEveryLength) {
  const Program program = load(GetParam());
  const std::string bytes = state_snapshot(program, rich_state(program, 7));
  for (std::size_t n = 0; n < bytes.size(); ++n) {
    auto read = member_state_from_snapshot(program, std::string_view(bytes).substr(0, n));
    ASSERT_FALSE(read.ok()) << "a snapshot cut at " << n << " of " << bytes.size() << " bytes was taken";
    const std::string& code = read.errors()[0].code;
    EXPECT_TRUE(code == "snapshot.truncated" || code == "snapshot.bad_header" || code.rfind("value.", 0) == 0 ||
                code.rfind("state.", 0) == 0)
        << code << " at " << n;
  }
  auto longer = member_state_from_snapshot(program, bytes + '\0');
  ASSERT_FALSE(longer.ok());
  EXPECT_EQ(longer.errors()[0].code, "snapshot.trailing_bytes");
}

// What an export reads of a state: its join, the same as the whole state's,
// from every state the core makes; a snapshot cut before the join is an error.
TEST_P(StateSnapshots, TheJoinReadAloneIsTheWholeStatesJoin) {
  const Program program = load(GetParam());
  for (std::uint64_t seed = 1; seed <= 6; ++seed) {
    MemberState state = rich_state(program, seed);
    if (seed % 2 == 0) state.birthday = MonthDay{2, 29};
    const std::string bytes = state_snapshot(program, state);
    auto joined = member_join_from_snapshot(program, bytes);
    ASSERT_TRUE(joined.ok()) << joined.errors()[0].code;
    EXPECT_EQ(joined.value().joined_at, state.joined_at);
    EXPECT_EQ(joined.value().birthday.has_value(), state.birthday.has_value());
    if (state.birthday) EXPECT_EQ(joined.value().birthday->day, state.birthday->day);
    for (std::size_t n = 0; n < 6; ++n) {
      EXPECT_FALSE(member_join_from_snapshot(program, std::string_view(bytes).substr(0, n)).ok()) << n;
    }
  }
}

// Damage anywhere: either an error, or a state that the JSON reader takes
// too (the binary reader never lets in what JSON would keep out).
TEST_P(StateSnapshots, DamagedBytesAreAnErrorOrAStateJsonAlsoTakes) {
  const Program program = load(GetParam());
  const std::string bytes = state_snapshot(program, rich_state(program, 11));
  SplitMix64 rng{42};
  int refused = 0;
  for (int trial = 0; trial < 4000; ++trial) {
    std::string damaged = bytes;
    for (std::uint64_t k = 0, n = 1 + rng.below(3); k < n; ++k) {
      damaged[rng.below(damaged.size())] = static_cast<char>(rng.below(256));
    }
    auto read = member_state_from_snapshot(program, damaged);
    if (!read.ok()) {
      ++refused;
      EXPECT_FALSE(read.errors()[0].path.empty());
      continue;
    }
    auto json = parse_json(state_json(program, read.value()));
    ASSERT_TRUE(json.ok());
    auto again = member_state_from_json(program, json.value(), "state");
    ASSERT_TRUE(again.ok()) << "trial " << trial << ": bytes let in a state JSON refuses: " << again.errors()[0].code
                            << " at " << again.errors()[0].path;
  }
  EXPECT_GT(refused, 1000);  // the damage is seen, not read as something else
}

INSTANTIATE_TEST_SUITE_P(ExamplePrograms, StateSnapshots, ::testing::Values("bakery.json", "coffee.json", "beauty.json"));

TEST(StateSnapshot, ABadFieldIsReportedAtItsPath) {
  const Program program = load("bakery.json");
  MemberState s;
  s.lots.push_back(Lot{"l-1", kStart, 0, std::nullopt, std::nullopt, ""});  // no lot holds 0 points
  auto read = member_state_from_snapshot(program, state_snapshot(program, s));
  ASSERT_FALSE(read.ok());
  EXPECT_EQ(read.errors()[0].code, "value.out_of_range");
  EXPECT_EQ(read.errors()[0].path, "state.lots[0].points");

  s = MemberState{};
  s.member_id = std::string("\xff\xfe", 2);
  read = member_state_from_snapshot(program, state_snapshot(program, s));
  ASSERT_FALSE(read.ok());
  EXPECT_EQ(read.errors()[0].code, "value.invalid_utf8");
  EXPECT_EQ(read.errors()[0].path, "state.member_id");
}

TEST(StateSnapshot, OrdersOutOfTheOrderTheyWerePlacedAreRefusedAsInJson) {
  const Program program = load("bakery.json");
  MemberState s;
  std::deque<OrderRecord>& orders = s.orders.edit();
  orders.resize(2);
  orders[0].order_id = "later";
  orders[0].at = kStart + kHour;
  orders[1].order_id = "earlier";
  orders[1].at = kStart;
  auto read = member_state_from_snapshot(program, state_snapshot(program, s));
  ASSERT_FALSE(read.ok());
  EXPECT_EQ(read.errors()[0].code, "state.orders_order");
  EXPECT_EQ(read.errors()[0].path, "state.orders[1].at");
}

TEST(StateSnapshot, TiersAndCategoriesTravelByIdAndMustExistWhereRead) {
  const Program bakery = load("bakery.json");
  const Program coffee = load("coffee.json");
  MemberState s;
  s.tier = *bakery.tier_index("gold");
  auto read = member_state_from_snapshot(coffee, state_snapshot(bakery, s));
  if (coffee.tier_index("gold")) {
    ASSERT_TRUE(read.ok());
    EXPECT_EQ(read.value().tier, coffee.tier_index("gold"));
  } else {
    ASSERT_FALSE(read.ok());
    EXPECT_EQ(read.errors()[0].code, "state.unknown_tier");
    EXPECT_EQ(read.errors()[0].path, "state.tier");
  }
}

// A new version that drops a tier maps it (migrate): a snapshot the version
// before wrote reads under it, in the mapped tier; without the mapping, it
// is refused as any unknown tier is.
TEST(StateSnapshot, ATierANewVersionDroppedReadsAsTheTierItsMigrateNames) {
  const Program before = load("bakery.json");
  const Program after = load("bakery-v2.json");
  const Program unmapped = load("coffee.json");  // has no silver tier, maps none
  MemberState s;
  s.tier = *before.tier_index("silver");
  const std::string bytes = state_snapshot(before, s);
  auto read = member_state_from_snapshot(after, bytes);
  ASSERT_TRUE(read.ok());
  EXPECT_EQ(read.value().tier, after.tier_index("gold"));
  auto refused = member_state_from_snapshot(unmapped, bytes);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.errors()[0].code, "state.unknown_tier");
}

// A programme may drop a recall offer that members were given: their
// snapshots still read, without it, as their JSON states do.
TEST(StateSnapshot, ARecallOfferTheProgrammeNoLongerHasIsForgotten) {
  const Program bakery = load("bakery.json");
  const Program coffee = load("coffee.json");
  ASSERT_FALSE(bakery.lifecycle.recall.empty());
  ASSERT_TRUE(coffee.lifecycle.recall.empty());
  MemberState s;
  s.recall = RecallGiven{0, 1'700'000'000'000, false};
  const std::string bytes = state_snapshot(bakery, s);
  auto same = member_state_from_snapshot(bakery, bytes);
  ASSERT_TRUE(same.ok());
  EXPECT_TRUE(same.value().recall.has_value());
  auto read = member_state_from_snapshot(coffee, bytes);
  ASSERT_TRUE(read.ok()) << read.errors()[0].path << ": " << read.errors()[0].message;
  EXPECT_FALSE(read.value().recall.has_value());
  EXPECT_EQ(state_snapshot(coffee, read.value()), state_snapshot(coffee, MemberState{}));
}
TEST(StateSnapshot, OnlyItsOwnHeaderAndVersionAreRead) {
  const Program program = load("bakery.json");
  std::string bytes = state_snapshot(program, MemberState{});
  EXPECT_EQ(bytes.substr(0, 4), std::string("LCS\x07", 4));
  EXPECT_EQ(member_state_from_snapshot(program, "{\"growth\":1}").errors()[0].code, "snapshot.bad_header");
  for (char version : {'\x00', '\x08'}) {
    bytes[3] = version;
    auto read = member_state_from_snapshot(program, bytes);
    ASSERT_FALSE(read.ok());
    EXPECT_EQ(read.errors()[0].code, "snapshot.bad_header");
    EXPECT_NE(read.errors()[0].message.find("version " + std::to_string(version)), std::string::npos);
  }
}

// Stores hold members written by earlier cores: a version 1 snapshot (before
// points_active_at) of a member with an order and a check-in.
TEST(StateSnapshot, Version1SnapshotsStillRead) {
  const Program program = load("bakery.json");
  const std::string hex =
      "4c435301000000000082e0e78edb660000388090acf3da660182e0e78edb6602e02b0280e0e78edb66018080a3cdd968026f31026f31700082"
      "e0e78edb66018080a3cdd968026331000a00046d2d76310180e0e78edb66380001056272656164e02b700200046c6f6166026f31e02b0070"
      "00000000000002026f310263310001018ebf02008ebf0200020000000000000000000000018ebf020000000a01066d656d6265720004";
  std::string bytes;
  for (std::size_t i = 0; i < hex.size(); i += 2) bytes += static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16));
  auto read = member_state_from_snapshot(program, bytes);
  ASSERT_TRUE(read.ok()) << read.errors()[0].path << ": " << read.errors()[0].message;
  EXPECT_FALSE(read.value().points_active_at.has_value());
  const std::string json = state_json(program, read.value());
  EXPECT_NE(json.find("\"member_id\":\"m-v1\""), std::string::npos) << json;
  EXPECT_NE(json.find("\"lifetime_spend\":2800"), std::string::npos) << json;
  EXPECT_NE(json.find("\"checkins\":1"), std::string::npos) << json;
  EXPECT_FALSE(read.value().recall.has_value());
  EXPECT_EQ(state_snapshot(program, read.value()).substr(0, 4), std::string("LCS\x07", 4)) << "written back as version 7";
}

// Before version 7 each lot's times and order id were written whole: a
// version 6 snapshot of a coffee member with two orders, one whose event id
// is its order id, each lot vesting and expiring.
TEST(StateSnapshot, Version6LotsStillReadAndAreWrittenBackByDifference) {
  const Program program = load("coffee.json");
  const std::string hex =
      "4c43530602c2c00240028032c4c0025a02a84600000000809af9c0956700009a0180c8fec4f16601809af9c0956704a8780280aac6ee94670180"
      "c08f9d8069026531046f2d65310a0180baaaaf9967809af9c095670180b0c2ef8069036f2d32036f2d32100180aadd819a67046d2d7636028"
      "0aac6ee946740000106636f6666656580320a0200056c61747465046f2d65318032000a0000000000809af9c095675a000106636f66666565"
      "a846100200056c61747465036f2d32a8460010000000000000000002026531036f2d320000000000000000000000000000000000000105677265"
      "656e000400";
  std::string bytes;
  for (std::size_t i = 0; i < hex.size(); i += 2) bytes += static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16));
  auto read = member_state_from_snapshot(program, bytes);
  ASSERT_TRUE(read.ok()) << read.errors()[0].path << ": " << read.errors()[0].message;
  const std::string json = state_json(program, read.value());
  EXPECT_NE(json.find("\"lots\":[{\"earned_at\":1772326800000,\"expires_at\":1803916800000,\"id\":\"e1\","
                      "\"order_id\":\"o-e1\",\"points\":5,\"vests_at\":1772931600000},{\"earned_at\":1772413200000,"
                      "\"expires_at\":1804003200000,\"id\":\"o-2\",\"order_id\":\"o-2\",\"points\":8,"
                      "\"vests_at\":1773018000000}]"),
            std::string::npos)
      << json;
  const std::string again = state_snapshot(program, read.value());
  EXPECT_EQ(again.substr(0, 4), std::string("LCS\x07", 4));
  EXPECT_LE(again.size() + 8, bytes.size()) << "the second lot's times are differences, and o-2's order id one byte";
  auto back = member_state_from_snapshot(program, again);
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(state_json(program, back.value()), json);
}

// A lot's times are differences from the lot before's, and what they add up
// to must still be a time; an order id given by length is text like any other.
TEST(StateSnapshot, LotDifferencesOutsideTimeOrBadOrderIdsAreRefused) {
  const Program program = load("bakery.json");
  MemberState state;
  state.member_id = "m";
  Lot first;
  first.earned_at = kMaxTimeMs - 5;
  first.id = "a";
  first.points = 1;
  Lot second = first;
  second.id = "b";
  second.order_id = "o-b";
  state.lots.assign({first, second});
  const std::string bytes = state_snapshot(program, state);
  auto read = member_state_from_snapshot(program, bytes);
  ASSERT_TRUE(read.ok()) << read.errors()[0].path << ": " << read.errors()[0].message;
  // The first lot ends with its id "a", an order id of 0 bytes (1), 1 point
  // (2) and no vesting (0); the second begins with its earned_at difference.
  const std::size_t next = bytes.find(std::string("\x01" "a" "\x01\x02\x00", 5)) + 5;
  ASSERT_LT(next, bytes.size());
  ASSERT_EQ(bytes[next], '\x00');
  std::string later = bytes;
  later[next] = '\x14';  // +10 ms: past the last time there is
  auto past = member_state_from_snapshot(program, later);
  ASSERT_FALSE(past.ok());
  EXPECT_EQ(past.errors()[0].code, "value.out_of_range");
  EXPECT_EQ(past.errors()[0].path, "state.lots[1].earned_at");
  const std::size_t order_id = bytes.find("\x04o-b");
  ASSERT_NE(order_id, std::string::npos);
  std::string bad_text = bytes;
  bad_text[order_id + 1] = '\xff';
  auto refused = member_state_from_snapshot(program, bad_text);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.errors()[0].code, "value.invalid_utf8");
  EXPECT_EQ(refused.errors()[0].path, "state.lots[1].order_id");
  std::string cut = bytes.substr(0, order_id + 2);  // the order id says 3 bytes; 1 is left
  auto truncated = member_state_from_snapshot(program, cut);
  ASSERT_FALSE(truncated.ok());
  EXPECT_EQ(truncated.errors()[0].code, "snapshot.truncated");
  EXPECT_EQ(truncated.errors()[0].path, "state.lots[1].order_id");
}

TEST(StateSnapshot, AVarintThatDoesNotEndOrHasRedundantBytesIsRefused) {
  const Program program = load("bakery.json");
  const std::string header("LCS\x03", 4);
  // activity count as 11 continuation bytes; then 0x80 0x00 (a redundant zero byte for 0).
  EXPECT_EQ(member_state_from_snapshot(program, header + std::string(11, '\x80')).errors()[0].code, "snapshot.bad_varint");
  EXPECT_EQ(member_state_from_snapshot(program, header + std::string("\x80\x00", 2)).errors()[0].code, "snapshot.bad_varint");
}

TEST(Utf8, WellFormedTextOnly) {
  EXPECT_TRUE(is_valid_utf8("会员 café 🥐"));
  EXPECT_FALSE(is_valid_utf8("\xc0\xaf"));          // overlong
  EXPECT_FALSE(is_valid_utf8("\xed\xa0\x80"));      // a surrogate
  EXPECT_FALSE(is_valid_utf8("\xf4\x90\x80\x80"));  // past U+10FFFF
  EXPECT_FALSE(is_valid_utf8("\xe4\xbc"));          // cut short
}

}  // namespace
}  // namespace loyalty
