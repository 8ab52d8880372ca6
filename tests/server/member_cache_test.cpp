// The held member states: a state is used only at the version the store
// has, a newer one is never replaced by an older, and the member seen
// longest ago leaves first.
#include <gtest/gtest.h>
#include <malloc.h>

#include <atomic>
#include <cstdlib>
#include <fstream>
#include <new>
#include <sstream>

#include "loyalty/apply.hpp"
#include "loyalty/engine.hpp"
#include "loyalty/json_codec.hpp"
#include "member_cache.hpp"
#include "stored_state.hpp"

// Every byte this binary takes through operator new, as malloc's chunks:
// what a held state really costs, to check what the cache weighs it by.
namespace {
std::atomic<std::int64_t> live_bytes{0};
std::int64_t chunk_of(void* p) { return static_cast<std::int64_t>(malloc_usable_size(p)) + 8; }
}  // namespace

void* operator new(std::size_t n) {
  void* p = std::malloc(n ? n : 1);
  if (!p) throw std::bad_alloc();
  live_bytes += chunk_of(p);
  return p;
}
void operator delete(void* p) noexcept {
  if (!p) return;
  live_bytes -= chunk_of(p);
  std::free(p);
}
void operator delete(void* p, std::size_t) noexcept { operator delete(p); }
// The nothrow form too (std::stable_sort's buffer), so that every new this
// binary makes is freed by the delete above.
void* operator new(std::size_t n, const std::nothrow_t&) noexcept {
  void* p = std::malloc(n ? n : 1);
  if (p) live_bytes += chunk_of(p);
  return p;
}
void operator delete(void* p, const std::nothrow_t&) noexcept { operator delete(p); }

namespace loyalty::server {
namespace {

MemberState at_version(const std::string& id, std::int64_t version) {
  MemberState state;
  state.member_id = id;
  state.version = version;
  return state;
}

TEST(MemberCache, GivesAHeldStateOnceAtTheVersionItWasHeldAt) {
  MemberCache cache(4, 1 << 20);
  std::int64_t under = 0;  // the programme version a held state was read under
  cache.put("a", at_version("a", 3), 1, 100);
  auto stale = cache.take("a", under);
  ASSERT_TRUE(stale.has_value());
  EXPECT_EQ(stale->version, 3) << "the caller compares it with the store's (another server may have moved on)";
  EXPECT_FALSE(cache.take("a", under).has_value()) << "taken out while its transaction runs, or dropped if stale";
  cache.put("a", at_version("a", 4), 1, 100);
  auto taken = cache.take("a", under);
  ASSERT_TRUE(taken.has_value());
  EXPECT_EQ(taken->version, 4);
}

TEST(MemberCache, GivesBackTheProgrammeVersionAStateWasReadUnder) {
  MemberCache cache(4, 1 << 20);
  std::int64_t under = 0;
  cache.put("a", at_version("a", 3), 2, 100);
  ASSERT_TRUE(cache.take("a", under).has_value());
  EXPECT_EQ(under, 2);
}

TEST(MemberCache, KeepsTheNewerOfTwoCommittedStates) {
  MemberCache cache(4, 1 << 20);
  std::int64_t under = 0;  // the programme version a held state was read under
  cache.put("a", at_version("a", 6), 1, 100);
  cache.put("a", at_version("a", 5), 1, 100);  // an earlier transaction of the same group finishing later
  auto held = cache.take("a", under);
  ASSERT_TRUE(held.has_value());
  EXPECT_EQ(held->version, 6);
}

TEST(MemberCache, TheMemberSeenLongestAgoLeavesFirst) {
  MemberCache cache(2, 1 << 20);
  std::int64_t under = 0;  // the programme version a held state was read under
  cache.put("a", at_version("a", 1), 1, 100);
  cache.put("b", at_version("b", 1), 1, 100);
  cache.put("a", at_version("a", 2), 1, 100);  // a seen again
  cache.put("c", at_version("c", 1), 1, 100);
  EXPECT_EQ(cache.size(), 2u);
  EXPECT_FALSE(cache.take("b", under).has_value());
  EXPECT_TRUE(cache.take("a", under).has_value());
  EXPECT_TRUE(cache.take("c", under).has_value());
}

TEST(MemberCache, StaysWithinItsMemoryBudget) {
  MemberCache cache(100, 1000);
  std::int64_t under = 0;  // the programme version a held state was read under
  for (int i = 0; i < 10; ++i) cache.put("m" + std::to_string(i), at_version("m", 1), 1, 300);
  EXPECT_EQ(cache.size(), 3u);
  EXPECT_LE(cache.bytes(), 1000u);
  EXPECT_TRUE(cache.take("m9", under).has_value()) << "the members seen last stay";
  cache.put("big", at_version("big", 1), 1, 2000);
  EXPECT_FALSE(cache.take("big", under).has_value()) << "a state over the whole budget is not held";
}

TEST(MemberCache, HoldsNothingWithNoRoom) {
  MemberCache cache(0, 1 << 20);
  std::int64_t under = 0;  // the programme version a held state was read under
  cache.put("a", at_version("a", 1), 1, 100);
  EXPECT_FALSE(cache.take("a", under).has_value());
}

// A member of `days` days: an order every third day (three lines each, kept
// for refunds), a check-in and a like every day, some points spent.
MemberState member_of(const Program& program, int days) {
  MemberState state = member_state_from_json(program, parse_json(R"({"member_id":"member-of-a-year-0001","joined_at":1764547200000})").value(), "state").value();
  const TimeMs day = 86400000;
  for (int d = 0; d < days; ++d) {
    const TimeMs at = 1764576000000 + d * day;
    std::vector<std::string> events = {
        R"({"id":"checkin-)" + std::to_string(d) + R"(","type":"checkin","at":)" + std::to_string(at) + "}",
        R"({"id":"like-)" + std::to_string(d) + R"(","type":"like","article":"article-of-the-day-)" + std::to_string(d) +
            R"(","at":)" + std::to_string(at + 1) + "}"};
    if (d % 3 == 0) {
      events.push_back(R"({"id":"order-event-)" + std::to_string(d) + R"(","type":"order","order_id":"order-number-)" +
                       std::to_string(d) + R"(","at":)" + std::to_string(at + 2) +
                       R"(,"lines":[{"sku":"sourdough-loaf-large","category":"bread","unit_price":2800,"quantity":2},)"
                       R"({"sku":"croissant-butter","category":"pastry","unit_price":1200,"quantity":3},)"
                       R"({"sku":"latte-oat-milk-grande","category":"drinks","unit_price":3200,"quantity":1}]})");
    }
    if (d % 30 == 29) {
      events.push_back(R"({"id":"redeem-)" + std::to_string(d) + R"(","type":"redeem","points":50,"reward_id":"coffee","at":)" +
                       std::to_string(at + 3) + "}");
    }
    for (const std::string& text : events) {
      const Event event = event_from_json(program, parse_json(text).value(), "event").value();
      EXPECT_TRUE(apply_in_place(program, state, event).ok()) << text;
    }
  }
  return state;
}

TEST(MemberCache, WeighsAHeldStateByWhatItHoldsOnTheHeap) {
  std::ifstream in(std::string(LOYALTY_SOURCE_DIR) + "/programs/bakery.json");
  std::stringstream text;
  text << in.rdbuf();
  const Engine engine = Engine::load(text.str()).value();
  const Program& program = engine.program();
  for (int days : {1, 10, 365}) {
    const std::string stored = stored_form(program, member_of(program, days));
    // What a state read from the store holds, as the cache holds it.
    const std::int64_t before = live_bytes;
    auto held = std::make_unique<MemberState>(read_stored_state(program, stored).value());
    held->lots.prepare();  // indexed, as after its first apply
    const std::int64_t real = live_bytes - before;
    const auto weighed = static_cast<std::int64_t>(MemberCache::bytes_held("member-of-a-year-0001", *held));
    EXPECT_GE(weighed, real * 9 / 10) << days << " days: a cache that undercounts holds more than its budget";
    EXPECT_LE(weighed, real * 3 / 2) << days << " days: a cache that overcounts holds fewer members than it could";
    std::cout << days << " days: " << real << " bytes on the heap, weighed " << weighed << "; stored " << stored.size()
              << " bytes\n";
  }
}

}  // namespace
}  // namespace loyalty::server
