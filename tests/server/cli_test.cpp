#include "cli_run.hpp"
#include "serve.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

namespace loyalty {
namespace {

const std::string kFixtures = std::string(LOYALTY_SOURCE_DIR) + "/tests/server/fixtures/";

TEST(Cli, CheckAcceptsTheExamplePrograms) {
  for (const char* name : {"bakery.json", "coffee.json"}) {
    const CliRun r = run({"check", kPrograms + name});
    EXPECT_EQ(r.code, 0) << r.err;
    EXPECT_NE(r.out.find(": ok"), std::string::npos);
  }
}

TEST(Cli, CheckPrintsEveryErrorWithItsPathAndCode) {
  const CliRun r = run({"check", kFixtures + "broken_program.json"});
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("tiers[2].qualify.growth: must be greater than tiers[1].qualify.growth (500) "
                       "[tiers.threshold_order]"),
            std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find("earning.points.rounding: "), std::string::npos) << r.err;
}

TEST(Cli, PreviewPricesACartFromARequestFile) {
  const CliRun r = run({"preview", "--program", kPrograms + "bakery.json", kFixtures + "cart_request.json"});
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("\"points\": 49"), std::string::npos) << r.out;
}

// A long events file for one member: a check-in and a like a day, an order
// every third day, some refunded, a refused event now and then.
std::string year_of_events(int days) {
  std::string lines;
  const long long start = 1767225600000;  // 2026-01-01
  const long long day = 86400000;
  for (int d = 0; d < days; ++d) {
    const std::string at = std::to_string(start + d * day + 3600000);
    const std::string n = std::to_string(d);
    lines += R"({"id":"c)" + n + R"(","type":"checkin","at":)" + at + "}\n";
    lines += R"({"id":"l)" + n + R"(","type":"like","article":"a)" + n + R"(","at":)" + at + "}\n";
    if (d % 3 == 0) {
      lines += R"({"id":"o)" + n + R"(","type":"order","order_id":"o)" + n + R"(","at":)" + at +
               R"(,"lines":[{"sku":"b","category":"bread","unit_price":1250,"quantity":2}]})" + "\n";
    }
    if (d % 30 == 9) lines += R"({"id":"r)" + n + R"(","type":"refund","order_id":"o)" + std::to_string(d - 9) + R"(","at":)" + at +
                              R"(,"lines":[{"line":0,"quantity":1}]})" + "\n";
    if (d % 50 == 7) lines += R"({"id":"c)" + n + R"(","type":"checkin","at":)" + at + "}\n";  // a duplicate id
    if (d % 90 == 45) lines += "42\n" R"({"id":"t)" + n + R"(","type":"like","article":"b","at":"soon"})" "\n";  // refused, with paths
  }
  return lines;
}

TEST(Cli, ReplayInChunksAnswersWhatOneApplyEventsCallAnswers) {
  const std::string dir = ::testing::TempDir();
  const std::string events = year_of_events(400);  // more than two chunks of 500
  std::ofstream(dir + "/events.jsonl") << events;
  std::string request = R"({"state":{"member_id":"m1","joined_at":1767225600000},"events":[)";
  std::istringstream lines(events);
  bool first = true;
  for (std::string line; std::getline(lines, line); first = false) request += (first ? "" : ",") + line;
  std::ofstream(dir + "/request.json") << request << "]}";
  std::ofstream(dir + "/state.json") << R"({"member_id":"m1","joined_at":1767225600000})";
  const CliRun replay = run({"replay", "--program", kPrograms + "bakery.json", "--events", dir + "/events.jsonl",
                             "--state", dir + "/state.json"});
  const CliRun once = run({"query", "apply_events", "--program", kPrograms + "bakery.json", dir + "/request.json"});
  ASSERT_EQ(replay.code, 0) << replay.err;
  ASSERT_EQ(once.code, 0) << once.err;
  EXPECT_GT(replay.out.size(), 100000u);
  EXPECT_NE(replay.out.find("\"path\": \"events[1"), std::string::npos) << "refused events past the first chunk";
  EXPECT_EQ(replay.out, once.out);
  EXPECT_EQ(replay.err, "") << "not a terminal: no progress line for a file the test writes";
}

TEST(Cli, ReplayOfAStateThatDoesNotReadIsRefusedAsTheOneCallRefusesIt) {
  const std::string dir = ::testing::TempDir();
  std::ofstream(dir + "/some.jsonl") << year_of_events(30);
  std::ofstream(dir + "/bad_state.json") << R"({"growth":-5})";
  const CliRun r = run({"replay", "--program", kPrograms + "bakery.json", "--events", dir + "/some.jsonl",
                        "--state", dir + "/bad_state.json"});
  EXPECT_EQ(r.code, 1);
  EXPECT_EQ(r.err, "state.growth: must be between 0 and 9007199254740991, got -5 [value.out_of_range]\n");
}

TEST(Cli, QueryRunsAnyCoreOperationByName) {
  const CliRun r = run({"query", "points_summary", "--program", kPrograms + "bakery.json",
                        kFixtures + "summary_request.json"});
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("\"expiring_total\": 120"), std::string::npos) << r.out;
  const CliRun unknown = run({"query", "frobnicate", "--program", kPrograms + "bakery.json",
                              kFixtures + "summary_request.json"});
  EXPECT_EQ(unknown.code, 1);
  EXPECT_NE(unknown.err.find("[request.unknown_op]"), std::string::npos) << unknown.err;
}

TEST(Cli, AMissingFileIsReportedNotCrashedOn) {
  const CliRun r = run({"check", kFixtures + "no_such_file.json"});
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("cannot read"), std::string::npos);
}

TEST(Cli, ServeRefusesARequestTimeoutBelowOneSecond) {
  for (const char* value : {"0", "-3", "soon"}) {
    serve::Options options;
    EXPECT_EQ(serve::parse_options({"serve", "--program", "p.json", "--request-timeout", value}, options),
              "--request-timeout takes seconds, at least 1")
        << value;
  }
  serve::Options options;
  EXPECT_EQ(serve::parse_options({"serve", "--program", "p.json", "--request-timeout", "30"}, options), "");
  EXPECT_EQ(options.request_timeout_ms, 30000);
}

TEST(Cli, UnknownCommandsPrintUsage) {
  const CliRun r = run({"frobnicate"});
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("usage:"), std::string::npos);
}

}  // namespace
}  // namespace loyalty
