#include "cli_run.hpp"
#include "serve.hpp"

#include <gtest/gtest.h>

#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "audit.hpp"
#include "loyalty/json_codec.hpp"
#include "program_versions.hpp"
#include "store.hpp"
#include "sync_service.hpp"

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

TEST(Cli, CheckAgainstSaysANewVersionMayFollowAndWhatChanged) {
  const CliRun r = run({"check", "--against", kPrograms + "bakery.json", kPrograms + "bakery-v2.json"});
  EXPECT_EQ(r.code, 0) << r.err;
  const Json report = Json::parse(r.out);
  EXPECT_EQ(report["conflicts"], Json::array());
  EXPECT_EQ(report["migrate"]["tiers"]["silver"], "gold");
  std::vector<std::string> paths;
  for (const Json& change : report["rules"]) paths.push_back(change["path"].get<std::string>());
  EXPECT_NE(std::find(paths.begin(), paths.end(), "tiers[silver]"), paths.end()) << r.out;
  EXPECT_NE(std::find(paths.begin(), paths.end(), "earning.categories[pastry]"), paths.end()) << r.out;
  EXPECT_EQ(std::find(paths.begin(), paths.end(), "version"), paths.end()) << "the version always changes";
}

TEST(Cli, CheckAgainstRefusesAnOlderVersionAndADroppedTierLeftUnmapped) {
  const CliRun older = run({"check", "--against", kPrograms + "bakery-v2.json", kPrograms + "bakery.json"});
  EXPECT_EQ(older.code, 1);
  EXPECT_NE(older.err.find("[program.version_not_newer]"), std::string::npos) << older.err;

  Json unmapped = Json::parse(read(kPrograms + "bakery-v2.json"));
  unmapped.erase("migrate");
  const std::string path = "/tmp/loyalty-cli-unmapped-" + std::to_string(getpid()) + ".json";
  std::ofstream(path) << unmapped.dump();
  const CliRun r = run({"check", "--against", kPrograms + "bakery.json", path});
  std::remove(path.c_str());
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("migrate.tiers: \"silver\" is a tier of the version before"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("[migrate.unmapped_category]"), std::string::npos) << r.err;
}

// With the store: every member read under both versions, their tiers now under each.
TEST(Cli, CheckAgainstCountsHowStoredMembersTiersMove) {
  const std::string db = "/tmp/loyalty-cli-against-" + std::to_string(getpid()) + ".db";
  {
    auto store = server::open_store("sqlite:" + db);
    auto programs = server::ProgramVersions::open(*store, read(kPrograms + "bakery.json"), 1795276800000);
    ASSERT_TRUE(programs.ok());
    server::SyncService sync(*programs.value(), *store);
    for (const char* member : {"m-silver", "m-new"}) sync.join(std::string(R"({"member_id":")") + member + "\"}", 1795276800000);
    sync.merchant_event("order", R"({"member_id":"m-silver","id":"o1","order_id":"o1","lines":[{"sku":"cake","category":"cake","unit_price":60000,"quantity":1}]})",
                        1795276800000);
  }
  const CliRun r = run({"check", "--against", kPrograms + "bakery.json", kPrograms + "bakery-v2.json", "--db", "sqlite:" + db,
                        "--at", "1795363200000"});
  for (const char* suffix : {"", "-wal", "-shm"}) std::remove((db + suffix).c_str());
  EXPECT_EQ(r.code, 0) << r.err;
  const Json members = Json::parse(r.out)["members"];
  EXPECT_EQ(members["read"], 2);
  EXPECT_EQ(members["unreadable"], 0);
  EXPECT_EQ(members["tiers"], Json::parse(R"([{"from":"member","members":1,"to":"member"},{"from":"silver","members":1,"to":"gold"}])"));
}

// A store whose members were written under two versions: bakery version 1,
// then a version 2 that adds Platinum (which version 1 cannot read).
struct TwoVersionStore {
  static constexpr TimeMs kFirst = 1795276800000, kSecond = 1795363200000;
  TwoVersionStore() {
    Json v2 = Json::parse(read(kPrograms + "bakery-v2.json"));
    v2["tiers"].push_back({{"id", "platinum"}, {"name", {{"en", "Platinum"}, {"zh-CN", "铂金卡"}}}, {"qualify", {{"growth", 3000}}}});
    auto store = server::open_store(url);
    auto programs = server::ProgramVersions::open(*store, read(kPrograms + "bakery.json"), kFirst);
    EXPECT_TRUE(programs.ok());
    server::SyncService sync(*programs.value(), *store);
    sync.join(R"({"member_id":"m-first"})", kFirst);
    EXPECT_TRUE(programs.value()->publish(v2.dump(), kSecond, kFirst).ok());
    sync.join(R"({"member_id":"m-platinum"})", kSecond);
    sync.merchant_event("order", R"({"member_id":"m-platinum","id":"o1","order_id":"o1","lines":[{"sku":"cake","category":"cake","unit_price":500000,"quantity":1}]})",
                        kSecond);
    version_one = Engine::load(read(kPrograms + "bakery.json")).value().program();
  }
  ~TwoVersionStore() {
    for (const char* suffix : {"", "-wal", "-shm"}) std::remove((db + suffix).c_str());
  }
  std::string db = "/tmp/loyalty-cli-versions-" + std::to_string(getpid()) + ".db";
  std::string url = "sqlite:" + db;
  Program version_one;
};

TEST(Cli, AuditReadsEachMemberUnderTheVersionItsStateWasWrittenWith) {
  TwoVersionStore two;
  auto store = server::open_store(two.url);
  EXPECT_EQ(store->read_member("m-platinum")->program_version, 2);
  // Read under version 1 alone, the Platinum member's state does not load.
  std::ostringstream out, err;
  EXPECT_EQ(server::audit(two.version_one, *store, out, err), 1);
  EXPECT_NE(err.str().find("m-platinum: the stored state does not load"), std::string::npos) << err.str();

  const CliRun r = run({"audit", "--db", two.url});
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("audited 2 members"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("clean"), std::string::npos) << r.out;
  // A --program given as well is not what the store's members are read under, and it says so.
  const CliRun given = run({"audit", "--db", two.url, "--program", kPrograms + "bakery.json"});
  EXPECT_EQ(given.code, 0) << given.err;
  EXPECT_NE(given.err.find("the store holds programme versions 1 to 2, which it reads its members under; --program is not used"),
            std::string::npos) << given.err;
}

TEST(Cli, ReportLiabilityIsUnderTheVersionInForceAtItsMoment) {
  TwoVersionStore two;
  for (const auto& [at, version] : {std::pair{TwoVersionStore::kSecond - 1, 1}, std::pair{TwoVersionStore::kSecond, 2}}) {
    const CliRun r = run({"report", "liability", "--db", two.url, "--at", std::to_string(at)});
    ASSERT_EQ(r.code, 0) << r.err;
    const Json report = Json::parse(r.out);
    EXPECT_EQ(report["program"]["version"], version) << at;
    EXPECT_EQ(report["by_tier"].contains("platinum"), version == 2) << at;
  }
}

TEST(Cli, StoreCommandsOnAStoreWithoutVersionsAskForTheProgramme) {
  const std::string db = "/tmp/loyalty-cli-unversioned-" + std::to_string(getpid()) + ".db";
  server::open_store("sqlite:" + db);  // the schema, no programme published
  const CliRun without = run({"audit", "--db", "sqlite:" + db});
  const CliRun with = run({"audit", "--db", "sqlite:" + db, "--program", kPrograms + "bakery.json"});
  for (const char* suffix : {"", "-wal", "-shm"}) std::remove((db + suffix).c_str());
  EXPECT_EQ(without.code, 1);
  EXPECT_NE(without.err.find("the store holds no programme versions"), std::string::npos) << without.err;
  EXPECT_NE(without.err.find("--program is required"), std::string::npos) << without.err;
  EXPECT_EQ(with.code, 0) << with.err;
  EXPECT_EQ(with.out, "audited 0 members, 0 ledger rows: clean\n");
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

// A folder of this process's own under the test's temporary folder, made
// empty: two runs of the suite at once (two worktrees) must not share files.
std::string own_temp_dir(const std::string& name) {
  const std::string dir = ::testing::TempDir() + "loyalty-" + name + "-" + std::to_string(getpid());
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir;
}

TEST(Cli, ReplayInChunksAnswersWhatOneApplyEventsCallAnswers) {
  const std::string dir = own_temp_dir("replay-chunks");
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
  // Not a terminal: no progress bar redrawn; a run slower than a second (a
  // loaded machine, a sanitised build) logs a plain line at each tenth.
  EXPECT_EQ(replay.err.find('\r'), std::string::npos);
  std::istringstream progress(replay.err);
  for (std::string line; std::getline(progress, line);) EXPECT_EQ(line.rfind("loyalty replay: ", 0), 0u) << line;
  std::filesystem::remove_all(dir);
}

TEST(Cli, ReplayOfAStateThatDoesNotReadIsRefusedAsTheOneCallRefusesIt) {
  const std::string dir = own_temp_dir("replay-bad-state");
  std::ofstream(dir + "/some.jsonl") << year_of_events(30);
  std::ofstream(dir + "/bad_state.json") << R"({"growth":-5})";
  const CliRun r = run({"replay", "--program", kPrograms + "bakery.json", "--events", dir + "/some.jsonl",
                        "--state", dir + "/bad_state.json"});
  EXPECT_EQ(r.code, 1);
  EXPECT_EQ(r.err, "state.growth: must be between 0 and 9007199254740991, got -5 [value.out_of_range]\n");
  std::filesystem::remove_all(dir);
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
