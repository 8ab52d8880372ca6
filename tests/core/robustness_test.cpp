// Whatever text a client sends, the core answers with a well-formed envelope:
// never a crash, an exception or undefined behaviour (this suite runs under
// ASan + UBSan). Inputs are the vectors' own requests, mutated by a seeded
// generator: byte flips, deletions, insertions of JSON punctuation,
// truncations and splices.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "loyalty/engine.hpp"
#include "loyalty/json_codec.hpp"
#include "splitmix64.hpp"

namespace loyalty {
namespace {

namespace fs = std::filesystem;
using testing::SplitMix64;

std::string read_file(const fs::path& path) {
  std::ifstream file(path, std::ios::binary);
  std::stringstream text;
  text << file.rdbuf();
  return text.str();
}

std::vector<std::string> seed_inputs() {
  std::vector<std::string> seeds;
  for (const auto& entry : fs::directory_iterator(fs::path(LOYALTY_SOURCE_DIR) / "tests" / "vectors")) {
    const Json doc = Json::parse(read_file(entry.path()));
    for (const Json& c : doc.at("cases")) {
      if (c.contains("input")) seeds.push_back(c.at("input").dump());
      if (c.contains("input_text")) seeds.push_back(c.at("input_text").get<std::string>());
    }
  }
  std::sort(seeds.begin(), seeds.end());
  return seeds;
}

std::string mutate(std::string s, const std::vector<std::string>& seeds, SplitMix64& rng) {
  static const char kPunctuation[] = "{}[]\":,-0123456789.eE \\nultrfa\x00\xff";
  const int edits = 1 + static_cast<int>(rng.below(4));
  for (int e = 0; e < edits; ++e) {
    const std::size_t at = s.empty() ? 0 : static_cast<std::size_t>(rng.below(static_cast<std::int64_t>(s.size())));
    switch (rng.below(5)) {
      case 0:  // flip a byte
        if (!s.empty()) s[at] = static_cast<char>(rng.next());
        break;
      case 1:  // delete a run
        s.erase(at, static_cast<std::size_t>(1 + rng.below(8)));
        break;
      case 2:  // insert JSON punctuation
        s.insert(at, 1, kPunctuation[rng.below(sizeof kPunctuation - 1)]);
        break;
      case 3:  // truncate
        s.resize(at);
        break;
      default: {  // splice in part of another input
        const std::string& other = seeds[static_cast<std::size_t>(rng.below(static_cast<std::int64_t>(seeds.size())))];
        const std::size_t from = other.empty() ? 0 : static_cast<std::size_t>(rng.below(static_cast<std::int64_t>(other.size())));
        s.insert(at, other.substr(from, static_cast<std::size_t>(rng.below(64))));
      }
    }
  }
  return s;
}

void expect_envelope(const std::string& answer, const std::string& input) {
  auto parsed = parse_json(answer);
  ASSERT_TRUE(parsed.ok()) << "not JSON: " << answer << "\ninput: " << input;
  const Json& j = parsed.value();
  ASSERT_TRUE(j.is_object() && j.contains("ok") && j.at("ok").is_boolean()) << answer;
  if (!j.at("ok").get<bool>()) {
    ASSERT_FALSE(j.at("errors").empty()) << answer;
    for (const Json& e : j.at("errors")) {
      ASSERT_TRUE(e.at("code").is_string() && !e.at("code").get<std::string>().empty()) << answer;
    }
  }
}

class Robustness : public ::testing::TestWithParam<const char*> {};

TEST_P(Robustness, MutatedRequestsAndProgrammesAlwaysGetAnEnvelope) {
  const auto engine = Engine::load(read_file(fs::path(LOYALTY_SOURCE_DIR) / "programs" / GetParam()));
  ASSERT_TRUE(engine.ok());
  const std::vector<std::string> seeds = seed_inputs();
  ASSERT_FALSE(seeds.empty());
  SplitMix64 rng{0x10a1};
  int accepted = 0;
  for (int round = 0; round < 3000; ++round) {
    const std::string input = mutate(seeds[static_cast<std::size_t>(round) % seeds.size()], seeds, rng);
    // Every operation, the ledger's apply and replay among them.
    for (std::string_view op : Engine::operations()) expect_envelope(engine.value().call(op, input), input);
    const std::string checked = Engine::check_program(input);
    expect_envelope(checked, input);
    if (HasFatalFailure()) return;
    accepted += checked.rfind("{\"ok\":true", 0) == 0;
  }
  RecordProperty("programmes_accepted", accepted);
}

INSTANTIATE_TEST_SUITE_P(ExamplePrograms, Robustness, ::testing::Values("coffee.json", "beauty.json"));

}  // namespace
}  // namespace loyalty
