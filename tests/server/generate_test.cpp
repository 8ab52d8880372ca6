// `loyalty generate`: the same seed writes the same bytes; every event it
// writes is one the core applies, on every example programme; the history
// has what it promises (every kind of member, referrals, refunds, peaks).
#include "cli_run.hpp"
#include "history_generator.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <sstream>

#include "loyalty/engine.hpp"
#include "loyalty/json_codec.hpp"

namespace loyalty {
namespace {

TEST(Generate, TheSameSeedWritesTheSameBytesAndAnotherSeedOthers) {
  const std::vector<std::string> args = {"generate", "--program", kPrograms + "bakery.json", "--members", "50", "--days", "90"};
  auto with_seed = [&](const char* seed) {
    std::vector<std::string> a = args;
    a.insert(a.end(), {"--seed", seed});
    return run(a);
  };
  const CliRun one = with_seed("7");
  const CliRun again = with_seed("7");
  const CliRun other = with_seed("8");
  ASSERT_EQ(one.code, 0) << one.err;
  EXPECT_GT(one.out.size(), 1000u);
  EXPECT_EQ(one.out, again.out);
  EXPECT_EQ(one.err, again.err);
  EXPECT_NE(one.out, other.out);
}

// Each member's events, applied from its join line's state, as `simulate` and the server would.
TEST(Generate, EveryEventItWritesIsAppliedByTheCoreOnEveryExampleProgramme) {
  for (const char* name : {"bakery.json", "coffee.json", "beauty.json"}) {
    const std::string text = read(kPrograms + name);
    auto engine = Engine::load(text);
    ASSERT_TRUE(engine.ok()) << name;
    server::HistoryOptions options;
    options.members = 80;
    options.days = 150;
    options.seed = 11;
    options.start = 1767196800000;  // 2026-01-01 in China
    std::ostringstream out;
    const server::HistoryStatistics stats = server::generate_history(engine.value().program(), options, out);
    EXPECT_EQ(stats.members, 80);

    std::map<std::string, Json> members;  // member id -> {state, events}
    std::istringstream lines(out.str());
    std::string line;
    std::int64_t events = 0;
    while (std::getline(lines, line)) {
      Json item = Json::parse(line);
      const std::string id = item["member_id"];
      if (!item.contains("event")) {
        members[id] = {{"state", {{"member_id", id}, {"joined_at", item["joined_at"]}}}, {"events", Json::array()}};
      } else {
        members.at(id)["events"].push_back(item["event"]);
        events += 1;
      }
    }
    EXPECT_EQ(events, stats.events) << name;
    std::int64_t applied = 0;
    for (const auto& [id, request] : members) {
      const Json answer = Json::parse(engine.value().apply_events(request.dump()));
      ASSERT_TRUE(answer["ok"].get<bool>()) << name << " " << id << ": " << answer.dump();
      for (const Json& result : answer["value"]["results"]) {
        EXPECT_EQ(result["result"], "applied") << name << " " << id << ": " << result.dump();
        applied += result["result"] == "applied";
      }
    }
    EXPECT_EQ(applied, stats.events) << name;
  }
}

TEST(Generate, AHistoryHasEveryKindOfMemberReferralsRefundsAndPeaks) {
  auto engine = Engine::load(read(kPrograms + "bakery.json"));
  ASSERT_TRUE(engine.ok());
  server::HistoryOptions options;
  options.members = 1000;
  options.days = 365;
  options.seed = 3;
  options.start = 1767196800000;  // 2026-01-01 in China
  std::ostringstream out;
  const server::HistoryStatistics stats = server::generate_history(engine.value().program(), options, out);

  for (const char* kind : {"loyal", "regular", "occasional", "deal_hunter"}) EXPECT_GT(stats.members_by_kind.at(kind), 50) << kind;
  for (const char* stage : {"active", "silent", "sleeping", "lost"}) EXPECT_GT(stats.stage_at_end.at(stage), 10) << stage;
  EXPECT_GT(stats.invited, 70);
  const std::int64_t orders = stats.events_by_type.at("order");
  EXPECT_GT(stats.refunded_orders * 100, orders * 3);  // about one in twenty
  EXPECT_LT(stats.refunded_orders * 100, orders * 8);
  for (const char* type : {"checkin", "like", "share", "scan", "draw", "redeem", "referral", "referred", "time_passes"}) {
    EXPECT_GT(stats.events_by_type.count(type) ? stats.events_by_type.at(type) : 0, 0) << type;
  }
  // November (11.11, and the week before it) sells more than the months either side, though members
  // keep drifting away once joining stops (late October).
  const std::int64_t november = stats.orders_by_month.at("2026-11");
  EXPECT_GT(november, stats.orders_by_month.at("2026-10"));
  EXPECT_GT(november * 10, stats.orders_by_month.at("2026-12") * 11);
}

TEST(Generate, BadOptionsAreRefusedWithTheFlagNamed) {
  const std::string program = kPrograms + "bakery.json";
  const CliRun none = run({"generate", "--program", program, "--members", "0"});
  EXPECT_EQ(none.code, 2);
  EXPECT_NE(none.err.find("--members must be 1 to 10,000,000"), std::string::npos) << none.err;
  const CliRun words = run({"generate", "--program", program, "--days", "a year"});
  EXPECT_EQ(words.code, 2);
  EXPECT_NE(words.err.find("--days takes a whole number, not 'a year'"), std::string::npos) << words.err;
  const CliRun date = run({"generate", "--program", program, "--start", "2026-02-30"});
  EXPECT_EQ(date.code, 2);
  EXPECT_NE(date.err.find("--start takes a date"), std::string::npos) << date.err;
  const CliRun nowhere = run({"generate", "--program", program, "--out", "/nonexistent/dir/events.jsonl"});
  EXPECT_EQ(nowhere.code, 1);
  EXPECT_NE(nowhere.err.find("cannot write /nonexistent/dir/events.jsonl"), std::string::npos) << nowhere.err;
}

}  // namespace
}  // namespace loyalty
