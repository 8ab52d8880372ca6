// `loyalty simulate` on generated histories: a candidate identical to the
// current programme changes nothing; the figures add up to what the core's
// own balances say, member by member; a cheaper silver tier only upgrades,
// and says who; bad lines are reported by number and stop or are skipped.
#include "cli_run.hpp"
#include "history_generator.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>

#include "loyalty/engine.hpp"
#include "loyalty/json_codec.hpp"

namespace loyalty {
namespace {

class Simulate : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("loyalty-simulate-" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(dir_);
    events_ = (dir_ / "events.jsonl").string();
    const CliRun made = run({"generate", "--program", kPrograms + "bakery.json", "--members", "150", "--days", "200",
                             "--seed", "5", "--out", events_});
    ASSERT_EQ(made.code, 0) << made.err;
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::string write(const std::string& name, const std::string& text) {
    const std::string path = (dir_ / name).string();
    std::ofstream(path, std::ios::binary) << text;
    return path;
  }

  std::filesystem::path dir_;
  std::string events_;
};

TEST_F(Simulate, ACandidateIdenticalToTheCurrentProgrammeChangesNothing) {
  const CliRun r = run({"simulate", "--program", kPrograms + "bakery.json", "--candidate", kPrograms + "bakery.json",
                        "--events", events_});
  ASSERT_EQ(r.code, 0) << r.err;
  const Json report = Json::parse(r.out);
  EXPECT_EQ(report["members"], 150);
  ASSERT_GT(report["months"].size(), 6u);
  for (const Json& month : report["months"]) EXPECT_EQ(month["current"], month["candidate"]) << month["month"];
  const Json& programmes = report["programmes"];
  for (const char* same : {"total", "outstanding_points", "liability_minor", "tiers_at_end", "refused_events"}) {
    EXPECT_EQ(programmes["current"][same], programmes["candidate"][same]) << same;
  }
  EXPECT_EQ(report["tier_changes"], (Json{{"upgraded", 0}, {"kept", 150}, {"downgraded", 0}}));
  EXPECT_TRUE(report["tier_moves"].empty());
  for (const Json& member : report["most_affected"]) EXPECT_EQ(member["issued"]["current"], member["issued"]["candidate"]);
}

// A line's category is read as its place in the programme: a candidate that
// lists the same categories in another order reads each event for itself and
// earns the same (an event read once under the current programme would put
// bread's lines under drinks there).
TEST_F(Simulate, ACandidateWithItsCategoriesReorderedReadsEachEventItselfAndChangesNothing) {
  std::ifstream in(kPrograms + "bakery.json", std::ios::binary);
  Json reordered = Json::parse(std::string(std::istreambuf_iterator<char>(in), {}));
  Json& categories = reordered["earning"]["categories"];
  std::reverse(categories.begin(), categories.end());
  const CliRun r = run({"simulate", "--program", kPrograms + "bakery.json", "--candidate",
                        write("reordered.json", reordered.dump()), "--events", events_});
  ASSERT_EQ(r.code, 0) << r.err;
  const Json report = Json::parse(r.out);
  for (const Json& month : report["months"]) EXPECT_EQ(month["current"], month["candidate"]) << month["month"];
  EXPECT_EQ(report["programmes"]["current"]["total"], report["programmes"]["candidate"]["total"]);
  EXPECT_EQ(report["programmes"]["candidate"]["refused_events"], report["programmes"]["current"]["refused_events"]);
}

// Each member's events through the core's apply_events: its final balances
// and ledger are the record the simulation's sums must agree with.
TEST_F(Simulate, TheFiguresAgreeWithTheCoresBalancesToThePoint) {
  const std::string program = read(kPrograms + "bakery.json");
  auto engine = Engine::load(program);
  ASSERT_TRUE(engine.ok());
  std::map<std::string, Json> members;
  std::vector<std::string> order;
  std::istringstream lines(read(events_));
  for (std::string line; std::getline(lines, line);) {
    Json item = Json::parse(line);
    const std::string id = item["member_id"];
    if (!item.contains("event")) {
      members[id] = {{"state", {{"member_id", id}, {"joined_at", item["joined_at"]}}}, {"events", Json::array()}};
    } else {
      members[id]["events"].push_back(item["event"]);
    }
  }
  std::int64_t outstanding = 0;
  std::int64_t issued_by_orders = 0;
  std::int64_t expired = 0;
  std::int64_t spent_in_the_mall = 0;
  for (const auto& [id, request] : members) {
    const Json answer = Json::parse(engine.value().apply_events(request.dump()));
    ASSERT_TRUE(answer["ok"].get<bool>()) << id;
    const Json& balances = answer["value"]["balances"];
    outstanding += balances["available"].get<std::int64_t>() + balances["pending"].get<std::int64_t>() -
                   balances["debt"].get<std::int64_t>();
    for (const Json& row : answer["value"]["ledger"]) {
      if (row["kind"] == "earn") issued_by_orders += row["available"].get<std::int64_t>() + row["pending"].get<std::int64_t>();
      if (row["kind"] == "expire") expired -= row["available"].get<std::int64_t>();
      if (row["kind"] == "mall_redeem") spent_in_the_mall -= row["available"].get<std::int64_t>();
    }
  }
  const CliRun r = run({"simulate", "--program", kPrograms + "bakery.json", "--events", events_});
  ASSERT_EQ(r.code, 0) << r.err;
  const Json current = Json::parse(r.out)["programmes"]["current"];
  EXPECT_GT(outstanding, 0);
  EXPECT_EQ(current["outstanding_points"], outstanding);
  EXPECT_EQ(current["total"]["issued_by_kind"]["earn"], issued_by_orders);
  EXPECT_EQ(current["total"]["expired"], expired);
  EXPECT_GT(spent_in_the_mall, 0) << "the generated history redeems in the mall";
  EXPECT_EQ(current["total"]["redeemed_by_kind"]["mall_redeem"], spent_in_the_mall);
  std::int64_t redeemed = 0;
  for (const auto& [kind, points] : current["total"]["redeemed_by_kind"].items()) redeemed += points.get<std::int64_t>();
  EXPECT_EQ(current["total"]["redeemed"], redeemed);
  // The bakery pays ¥1 for 100 points.
  EXPECT_EQ(current["liability_minor"], outstanding);
  EXPECT_EQ(current["refused_events"], 0);
  // What is outstanding at the last month's end is every movement summed: the same as the balances.
  const Json months = Json::parse(r.out)["months"];
  EXPECT_EQ(months.back()["current"]["outstanding"], outstanding);
  EXPECT_EQ(months.back()["current"]["liability_minor"], outstanding);
}

TEST_F(Simulate, ACheaperSilverTierOnlyUpgradesAndListsWhoMoves) {
  Json candidate = Json::parse(read(kPrograms + "bakery.json"));
  candidate["tiers"][1]["qualify"]["growth"] = candidate["tiers"][1]["qualify"]["growth"].get<std::int64_t>() / 2;
  const std::string candidate_path = write("candidate.json", candidate.dump());
  const std::string csv = (dir_ / "csv").string();
  std::filesystem::create_directories(csv);
  const CliRun r = run({"simulate", "--program", kPrograms + "bakery.json", "--candidate", candidate_path, "--events",
                        events_, "--csv", csv, "--out", (dir_ / "report.json").string()});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(r.out.empty());
  const Json report = Json::parse(read((dir_ / "report.json").string()));
  const std::int64_t upgraded = report["tier_changes"]["upgraded"];
  EXPECT_GT(upgraded, 0);
  EXPECT_EQ(report["tier_changes"]["downgraded"], 0);
  EXPECT_EQ(report["tier_moves"]["member -> silver"], upgraded);
  const std::string moves = read(csv + "/tier_moves.csv");
  EXPECT_EQ(std::count(moves.begin(), moves.end(), '\n'), upgraded + 1);  // with its header
  EXPECT_NE(moves.find(",member,silver,upgraded\n"), std::string::npos);
  EXPECT_EQ(read(csv + "/months.csv").rfind("month,programme,issued,redeemed,expired", 0), 0u);
  EXPECT_FALSE(std::filesystem::exists(dir_ / "report.json.part"));
}

// An A/B test of double points on bread for half the members: the report
// splits every figure by variant, the variants add up to the whole, and the
// tested group earns more from orders than the control group's share.
TEST_F(Simulate, AnExperimentsFiguresAreSplitByVariantAndAddUp) {
  Json candidate = Json::parse(read(kPrograms + "bakery.json"));
  candidate["experiment"] = {{"id", "bread-x2-test"}, {"seed", "2026"},
                             {"variants", {{{"id", "control"}, {"share_bp", 5000}}, {{"id", "double-bread"}, {"share_bp", 5000}}}}};
  candidate["segments"].push_back({{"id", "tested"}, {"when", {{"variants", {"double-bread"}}}}});
  candidate["earning"]["campaigns"] = {{{"id", "bread-x2"}, {"from", "2026-01-01"}, {"to", "2027-12-31"},
                                        {"multiplier_bp", 20000}, {"categories", {"bread"}}, {"segments", {"tested"}}}};
  const std::string candidate_path = write("candidate.json", candidate.dump());
  const CliRun r = run({"simulate", "--program", kPrograms + "bakery.json", "--candidate", candidate_path, "--events", events_});
  ASSERT_EQ(r.code, 0) << r.err;
  const Json report = Json::parse(r.out);
  EXPECT_FALSE(report["programmes"]["current"].contains("by_variant"));
  const Json& side = report["programmes"]["candidate"];
  const Json& control = side["by_variant"]["control"];
  const Json& tested = side["by_variant"]["double-bread"];
  EXPECT_EQ(control["members"].get<std::int64_t>() + tested["members"].get<std::int64_t>(), report["members"]);
  EXPECT_GT(control["members"], 40);
  EXPECT_GT(tested["members"], 40);
  for (const char* figure : {"issued", "redeemed", "expired"}) {
    EXPECT_EQ(control["total"][figure].get<std::int64_t>() + tested["total"][figure].get<std::int64_t>(), side["total"][figure]) << figure;
  }
  EXPECT_EQ(control["outstanding_points"].get<std::int64_t>() + tested["outstanding_points"].get<std::int64_t>(),
            side["outstanding_points"]);
  const auto per_member = [](const Json& v) {
    return v["total"]["issued_by_kind"]["earn"].get<std::int64_t>() / v["members"].get<std::int64_t>();
  };
  EXPECT_GT(per_member(tested), per_member(control));
}

TEST_F(Simulate, TheReportIsTheSameHoweverManyThreadsShareTheMembers) {
  Json candidate = Json::parse(read(kPrograms + "bakery.json"));
  candidate["earning"]["categories"][0]["multiplier_bp"] = 30000;
  candidate["tiers"][1]["qualify"]["growth"] = 100;
  const std::string candidate_path = write("candidate.json", candidate.dump());
  std::vector<std::string> reports;
  std::vector<std::string> moves;
  for (const char* threads : {"1", "3"}) {
    const std::string csv = (dir_ / ("csv-" + std::string(threads))).string();
    std::filesystem::create_directories(csv);
    const CliRun r = run({"simulate", "--program", kPrograms + "bakery.json", "--candidate", candidate_path, "--events",
                          events_, "--csv", csv, "--threads", threads});
    ASSERT_EQ(r.code, 0) << r.err;
    reports.push_back(r.out);
    moves.push_back(read(csv + "/tier_moves.csv"));
  }
  EXPECT_EQ(reports[0], reports[1]);
  EXPECT_EQ(moves[0], moves[1]);
  EXPECT_GT(std::count(moves[0].begin(), moves[0].end(), '\n'), 10);
  EXPECT_EQ(Json::parse(reports[0])["most_affected"].size(), 20u);
}

TEST_F(Simulate, ACompressedHistoryGivesTheSameReportAndACutOffOneIsRefused) {
  const std::string compressed = (dir_ / "events.jsonl.gz").string();
  const CliRun made = run({"generate", "--program", kPrograms + "bakery.json", "--members", "150", "--days", "200",
                           "--seed", "5", "--out", compressed});
  ASSERT_EQ(made.code, 0) << made.err;
  const std::string packed = read(compressed);
  EXPECT_LT(packed.size() * 3, read(events_).size());
  const CliRun plain = run({"simulate", "--program", kPrograms + "bakery.json", "--events", events_});
  const CliRun unpacked = run({"simulate", "--program", kPrograms + "bakery.json", "--events", compressed});
  ASSERT_EQ(unpacked.code, 0) << unpacked.err;
  EXPECT_EQ(plain.out, unpacked.out);

  const std::string cut = write("cut.jsonl.gz", packed.substr(0, packed.size() / 2));
  const CliRun refused = run({"simulate", "--program", kPrograms + "bakery.json", "--events", cut, "--bad-lines", "skip"});
  EXPECT_EQ(refused.code, 1);
  EXPECT_NE(refused.err.find("cannot be read to its end"), std::string::npos) << refused.err;
  EXPECT_TRUE(refused.out.empty());
}

TEST_F(Simulate, BadLinesAreReportedByNumberAndStopTheRunOrAreSkipped) {
  std::string text = read(events_);
  const std::size_t second = text.find('\n') + 1;
  text.insert(second, "{not json\n");
  text += "{\"member_id\":\"g-9\",\"event\":{\"type\":\"checkin\"}}\n";
  const std::string bad = write("bad.jsonl", text);

  const CliRun stopped = run({"simulate", "--program", kPrograms + "bakery.json", "--events", bad});
  EXPECT_EQ(stopped.code, 1);
  EXPECT_NE(stopped.err.find("bad.jsonl:2: "), std::string::npos) << stopped.err;
  EXPECT_TRUE(stopped.out.empty());

  const CliRun skipped =
      run({"simulate", "--program", kPrograms + "bakery.json", "--events", bad, "--bad-lines", "skip"});
  ASSERT_EQ(skipped.code, 0) << skipped.err;
  const Json report = Json::parse(skipped.out);
  EXPECT_EQ(report["skipped_lines"]["count"], 2);
  EXPECT_EQ(report["skipped_lines"]["first"][0], 2);
  EXPECT_NE(skipped.err.find("an event outside its member's lines"), std::string::npos) << skipped.err;
  EXPECT_EQ(report["members"], 150);
}

// Event lines are read whole only on the threads that replay them; a line
// that begins as export writes one and breaks after is still found, by
// number, and skipped or stops the run.
TEST_F(Simulate, AnEventLineThatBreaksAfterItsBeginningIsABadLine) {
  const std::string text = read(events_);
  const std::string member = Json::parse(text.substr(0, text.find('\n')))["member_id"];
  std::size_t third = 0;
  for (int line = 0; line < 3; ++line) third = text.find('\n', third) + 1;
  std::string broken = text;
  broken.insert(third, "{\"member_id\":\"" + member + "\",\"event\":{\"type\":\"checkin\"\n");
  const std::string bad = write("broken.jsonl", broken);

  const CliRun stopped = run({"simulate", "--program", kPrograms + "bakery.json", "--events", bad});
  EXPECT_EQ(stopped.code, 1);
  EXPECT_NE(stopped.err.find("broken.jsonl:4: "), std::string::npos) << stopped.err;
  EXPECT_TRUE(stopped.out.empty());

  const CliRun whole = run({"simulate", "--program", kPrograms + "bakery.json", "--events", events_});
  const CliRun skipped =
      run({"simulate", "--program", kPrograms + "bakery.json", "--events", bad, "--bad-lines", "skip"});
  ASSERT_EQ(skipped.code, 0) << skipped.err;
  Json report = Json::parse(skipped.out);
  EXPECT_EQ(report["skipped_lines"]["count"], 1);
  EXPECT_EQ(report["skipped_lines"]["first"][0], 4);
  EXPECT_NE(skipped.err.find("broken.jsonl:4: "), std::string::npos) << skipped.err;
  report.erase("skipped_lines");
  Json expected = Json::parse(whole.out);
  expected.erase("skipped_lines");
  EXPECT_EQ(report, expected);  // the rest of the member's lines replayed as if it were not there
}

}  // namespace
}  // namespace loyalty
