#include "loyalty/order_preview.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "loyalty/engine.hpp"
#include "loyalty/json_codec.hpp"
#include "splitmix64.hpp"

namespace loyalty {
namespace {

Program load(const std::string& name) {
  std::ifstream file(std::string(LOYALTY_SOURCE_DIR) + "/programs/" + name);
  std::stringstream text;
  text << file.rdbuf();
  auto engine = Engine::load(text.str());
  EXPECT_TRUE(engine.ok());
  return engine.value().program();
}

using testing::SplitMix64;

class RandomCarts : public ::testing::TestWithParam<const char*> {};

TEST_P(RandomCarts, StepsAddUpToLinesAndLinesAddUpToTheOrder) {
  const Program program = load(GetParam());
  SplitMix64 rng{20261122};
  for (int round = 0; round < 2000; ++round) {
    Cart cart;
    const std::int64_t n = rng.below(8);
    for (std::int64_t i = 0; i < n; ++i) {
      cart.lines.push_back({"sku" + std::to_string(i),
                            static_cast<std::size_t>(rng.below(static_cast<std::int64_t>(program.categories.size()))),
                            rng.below(100000), 1 + rng.below(5)});
    }
    MemberState state;
    state.growth = rng.below(8000);
    auto r = preview_order(program, state, cart, 1795276800000);
    ASSERT_TRUE(r.ok());
    const OrderPreview& p = r.value();
    std::int64_t points = 0, paid = 0;
    for (const LinePreview& line : p.lines) {
      std::int64_t steps = 0;
      for (const EarnStep& s : line.steps) steps += s.points;
      EXPECT_EQ(steps, line.points);
      EXPECT_GE(line.points, 0);
      EXPECT_EQ(line.paid + line.discount, line.subtotal);
      points += line.points;
      paid += line.paid;
    }
    EXPECT_EQ(points, p.points);
    EXPECT_EQ(paid, p.paid);
    EXPECT_GE(p.progress_after.held_tier, p.progress.held_tier);
    EXPECT_EQ(p.points, p.line_points);  // these programmes set no caps
  }
}

INSTANTIATE_TEST_SUITE_P(ExamplePrograms, RandomCarts, ::testing::Values("bakery.json", "coffee.json"));

TEST(OrderPreview, AnOverflowingLineIsAnErrorNamingTheLine) {
  const Program program = load("bakery.json");
  Cart cart;
  cart.lines.push_back({"a", 0, 100, 1});
  cart.lines.push_back({"b", 0, kMaxSafeInteger, 2});
  auto r = preview_order(program, MemberState{}, cart, 0);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.errors()[0].code, "arith.overflow");
  EXPECT_EQ(r.errors()[0].path, "cart.lines[1]");
}

TEST(OrderPreview, LinesThatEachFitButTogetherOverflowAreAnErrorOnTheCart) {
  const Program program = load("bakery.json");
  Cart cart;
  cart.lines.push_back({"a", 1, kMaxSafeInteger / 2 + 1, 1});
  cart.lines.push_back({"b", 1, kMaxSafeInteger / 2 + 1, 1});
  auto r = preview_order(program, MemberState{}, cart, 0);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.errors()[0].path, "cart");
}

}  // namespace
}  // namespace loyalty

namespace loyalty {
namespace {

// Clients load the normalised programme the server publishes (GET
// /v1/program), so it must itself be a valid programme that normalises to itself.
TEST(ProgramSummary, TheNormalisedProgrammeLoadsBackUnchanged) {
  for (const char* name : {"bakery.json", "coffee.json"}) {
    std::ifstream file(std::string(LOYALTY_SOURCE_DIR) + "/programs/" + name);
    std::stringstream text;
    text << file.rdbuf();
    const std::string first = Engine::check_program(text.str());
    const std::string value = Json::parse(first).at("value").dump();
    EXPECT_EQ(Engine::check_program(value), first) << name;
  }
}

}  // namespace
}  // namespace loyalty
