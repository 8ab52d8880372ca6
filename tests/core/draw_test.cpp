// Box draws: a pure function of (seed, member, box, nonce), fair to the
// published odds, and free of modulo bias.
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <sstream>

#include "loyalty/draw.hpp"
#include "loyalty/json_codec.hpp"

namespace loyalty {
namespace {

Program bakery() {
  std::ifstream file(std::string(LOYALTY_SOURCE_DIR) + "/programs/bakery.json");
  std::stringstream text;
  text << file.rdbuf();
  return program_from_json(parse_json(text.str()).value()).value();
}

const std::string kSeed = *bytes_from_hex("7d1a0c3f9e4b5a6c8d2e1f0a9b8c7d6e5f4a3b2c1d0e9f8a7b6c5d4e3f2a1b0c");

TEST(Draw, AMillionDrawsComeOutWithinFourStandardDeviationsOfThePublishedOdds) {
  const Program program = bakery();
  const Box& box = program.tasks.boxes.at(0);
  const HmacSha256 seed(kSeed);
  std::vector<std::int64_t> counts(box.prizes.size(), 0);
  constexpr std::int64_t kDraws = 1000000;
  for (std::int64_t n = 0; n < kDraws; ++n) counts[draw_prize(box, DrawInput{}, seed, "m-7", n).value().prize] += 1;
  for (const PrizeOdds& odds : box_odds(box)) {
    const double p = static_cast<double>(odds.weight) / static_cast<double>(box.total_weight);
    const double sd = std::sqrt(kDraws * p * (1 - p));
    EXPECT_LE(std::abs(static_cast<double>(counts[odds.prize]) - kDraws * p), 4 * sd) << box.prizes[odds.prize].id;
  }
}

TEST(Draw, IsAPureFunctionOfSeedMemberBoxAndNonce) {
  const Program program = bakery();
  const Box& box = program.tasks.boxes.at(0);
  const HmacSha256 seed(kSeed);
  const HmacSha256 other_seed(std::string(32, '\x01'));
  int differs = 0;
  for (std::int64_t n = 0; n < 200; ++n) {
    const std::size_t prize = draw_prize(box, DrawInput{}, seed, "m-1", n).value().prize;
    EXPECT_EQ(prize, draw_prize(box, DrawInput{}, seed, "m-1", n).value().prize);
    differs += prize != draw_prize(box, DrawInput{}, other_seed, "m-1", n).value().prize;
    differs += prize != draw_prize(box, DrawInput{}, seed, "m-2", n).value().prize;
  }
  EXPECT_GT(differs, 100) << "seed and member must both move the outcome";
}

// A total of 3 * 2^62 leaves 2^62 numbers at the top that would make the
// first quarter of outcomes likelier; they are drawn again, so each third
// of the range comes out a third of the time.
TEST(WeightedChoice, RejectsTheNumbersThatWouldFavourLowOutcomes) {
  const std::int64_t third = std::int64_t{1} << 62;
  const std::vector<std::int64_t> weights = {third, third, third};
  const HmacSha256 key(kSeed);
  std::vector<int> counts(3, 0);
  constexpr int kDraws = 30000;
  for (int n = 0; n < kDraws; ++n) {
    DrawStream stream(key, "choice-" + std::to_string(n));
    counts[weighted_choice(weights, stream)] += 1;
  }
  const double sd = std::sqrt(kDraws * (1.0 / 3) * (2.0 / 3));
  for (int c : counts) EXPECT_LE(std::abs(c - kDraws / 3.0), 4 * sd);
}

TEST(Draw, APrizeOutOfStockIsNeverGiven) {
  const Program program = bakery();
  const Box& box = program.tasks.boxes.at(0);
  const HmacSha256 seed(kSeed);
  DrawInput input;
  input.stock = {{"points-5", 0}, {"points-20", 0}};
  for (std::int64_t n = 0; n < 2000; ++n) {
    const std::string& id = box.prizes[draw_prize(box, input, seed, "m-1", n).value().prize].id;
    EXPECT_NE(id, "points-5");
    EXPECT_NE(id, "points-20");
  }
}

}  // namespace
}  // namespace loyalty

namespace loyalty {
namespace {

// The summary a host caches (GET /v1/program) must load back to the same rules.
TEST(TaskRulesJson, TheProgrammeSummaryLoadsBackToTheSameTasks) {
  const Program program = bakery();
  const std::string text = program_json(program);
  const Json summary = parse_json(text).value();
  auto again = program_from_json(summary);
  ASSERT_TRUE(again.ok()) << errors_json(again.errors());
  EXPECT_EQ(program_json(again.value()), text);
  EXPECT_EQ(summary.at("tasks").at("boxes").at(0).at("prizes").size(), program.tasks.boxes.at(0).prizes.size());
  EXPECT_EQ(summary.at("tasks").at("checkin").at("rewards").size(), 3u);
}

}  // namespace
}  // namespace loyalty
