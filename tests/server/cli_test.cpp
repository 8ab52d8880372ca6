#include "cli.hpp"
#include "serve.hpp"

#include <gtest/gtest.h>

#include <sstream>

namespace loyalty {
namespace {

struct CliRun {
  int code;
  std::string out;
  std::string err;
};

CliRun run(std::vector<std::string> args) {
  std::ostringstream out, err;
  const int code = cli::run(args, out, err);
  return {code, out.str(), err.str()};
}

const std::string kPrograms = std::string(LOYALTY_SOURCE_DIR) + "/programs/";
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
