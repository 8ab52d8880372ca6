// `loyalty audit` on a store: clean when states and ledger agree; otherwise
// each mismatch and each broken invariant is named with its member. Its
// progress: a line at each tenth in a log, one line redrawn on a terminal,
// and Ctrl-C stops it cleanly.
#include <gtest/gtest.h>

#include <unistd.h>

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "audit.hpp"
#include "loyalty/engine.hpp"
#include "store.hpp"

namespace loyalty::server {
namespace {

constexpr std::int64_t kNow = 1795276800000;  // 2026-11-22

Program bakery() {
  std::ifstream in(std::string(LOYALTY_SOURCE_DIR) + "/programs/bakery.json");
  std::stringstream text;
  text << in.rdbuf();
  return Engine::load(text.str()).value().program();
}

// A member whose state holds 30 points in one lot, and the ledger row that earned them.
void put_member(Store& store, const std::string& id, const std::string& extra_state, std::int64_t ledger_points) {
  store.with_member(id, [&](MemberTransaction& tx) {
    tx.save_member({id,
                    R"({"member_id":")" + id + R"(","clock":1795276800000,"version":1,)" + extra_state +
                        R"("lots":[{"id":"o1","earned_at":1795276800000,"points":30}]})",
                    1, ""},
                   kNow);
    tx.append_ledger({{0, "o1", kNow, "earn", ledger_points, 0, 0, "{}"}});
  });
}

struct AuditRun {
  int code;
  std::string out, err;
};

AuditRun run_audit(Store& store) {
  std::ostringstream out, err;
  const int code = audit(bakery(), store, out, err);
  return {code, out.str(), err.str()};
}

TEST(Audit, IsCleanWhenEveryStateMatchesItsLedger) {
  auto store = open_sqlite_store(":memory:");
  put_member(*store, "m1", "", 30);
  const AuditRun run = run_audit(*store);
  EXPECT_EQ(run.code, 0) << run.err;
  EXPECT_EQ(run.out, "audited 1 members, 1 ledger rows: clean\n");
}

TEST(Audit, NamesABalanceTheLedgerDoesNotAccountFor) {
  auto store = open_sqlite_store(":memory:");
  put_member(*store, "m1", "", 30);
  put_member(*store, "m2", "", 25);
  const AuditRun run = run_audit(*store);
  EXPECT_EQ(run.code, 1);
  EXPECT_EQ(run.err, "m2: available is 30 in the state but 25 in the ledger\n");
  EXPECT_EQ(run.out, "audited 2 members, 2 ledger rows: 1 mismatches\n");
}

TEST(Audit, NamesAStateThatBreaksAnInvariantEvenWhenTheSumsAgree) {
  auto store = open_sqlite_store(":memory:");
  // Debt beside spendable points: the sums agree (the ledger row says so too), the state cannot be.
  store->with_member("m3", [&](MemberTransaction& tx) {
    tx.save_member({"m3",
                    R"({"member_id":"m3","clock":1795276800000,"version":1,"debt":5,)"
                    R"("lots":[{"id":"o1","earned_at":1795276800000,"points":30}]})",
                    1, ""},
                   kNow);
    tx.append_ledger({{0, "o1", kNow, "earn", 30, 0, 5, "{}"}});
  });
  const AuditRun run = run_audit(*store);
  EXPECT_EQ(run.code, 1);
  EXPECT_EQ(run.err, "m3: debt: debt stands beside spendable points [invariant.debt_beside_points]\n");
}

TEST(Audit, ReportsItsProgressAtEachTenthInALog) {
  auto store = open_sqlite_store(":memory:");
  for (int i = 0; i < 20; ++i) put_member(*store, "m" + std::to_string(i), "", 30);
  EXPECT_EQ(store->member_count(), 20);
  std::ostringstream out, err;
  {
    Progress progress(err, "loyalty audit", "members", store->member_count(), /*terminal=*/false, std::chrono::milliseconds(0));
    EXPECT_EQ(audit(bakery(), *store, out, err, &progress), 0);
  }
  EXPECT_EQ(out.str(), "audited 20 members, 20 ledger rows: clean\n");
  std::istringstream lines(err.str());
  std::vector<std::string> seen;
  for (std::string line; std::getline(lines, line);) seen.push_back(line);
  ASSERT_EQ(seen.size(), 10u) << err.str();
  EXPECT_EQ(seen.front().rfind("loyalty audit: 2/20 members (10 %), ", 0), 0u) << seen.front();
  EXPECT_EQ(seen.back().rfind("loyalty audit: 20/20 members (100 %), ", 0), 0u) << seen.back();
}

TEST(Audit, RedrawsOneLineWithABarOnATerminal) {
  auto store = open_sqlite_store(":memory:");
  for (int i = 0; i < 3; ++i) put_member(*store, "m" + std::to_string(i), "", 30);
  std::ostringstream out, err;
  {
    Progress progress(err, "loyalty audit", "members", 3, /*terminal=*/true, std::chrono::milliseconds(0));
    EXPECT_EQ(audit(bakery(), *store, out, err, &progress), 0);
  }
  const std::string shown = err.str();
  EXPECT_EQ(shown.find('\n'), shown.size() - 1) << "one line, ended once: " << shown;
  EXPECT_NE(shown.find("\rloyalty audit [########################] 3/3 members (100 %)"), std::string::npos) << shown;
}

TEST(Audit, ShowsNothingForWorkDoneWithinItsQuietTime) {
  auto store = open_sqlite_store(":memory:");
  for (int i = 0; i < 3; ++i) put_member(*store, "m" + std::to_string(i), "", 30);
  for (bool terminal : {false, true}) {
    std::ostringstream out, err;
    {
      Progress progress(err, "loyalty audit", "members", 3, terminal, std::chrono::seconds(60));
      EXPECT_EQ(audit(bakery(), *store, out, err, &progress), 0);
    }
    EXPECT_EQ(err.str(), "");
  }
}

TEST(Audit, CtrlCStopsItCleanlyAndSaysHowFarItGot) {
  auto store = open_sqlite_store(":memory:");
  for (int i = 0; i < 5; ++i) put_member(*store, "m" + std::to_string(i), "", 30);
  std::ostringstream out, err;
  Progress progress(err, "loyalty audit", "members", 5, /*terminal=*/false);
  std::raise(SIGINT);  // caught: the audit stops before its next member
  EXPECT_TRUE(Progress::stop_asked());
  EXPECT_EQ(audit(bakery(), *store, out, err, &progress), 130);
  EXPECT_EQ(out.str(), "stopped by Ctrl-C after 0 of 5 members, 0 ledger rows: 0 mismatches so far\n");
  // The store is still usable: the audit's read transaction was rolled back.
  std::ostringstream again;
  EXPECT_EQ(audit(bakery(), *store, again, err), 0);
}

}  // namespace
}  // namespace loyalty::server

namespace loyalty::server {
namespace {

// A scan of every member on a live store (the audit, the liability report)
// reads a snapshot on a connection of its own: a member's transaction in the
// middle of it commits at once, and the scan does not see it.
TEST(Audit, AScanOfEveryMemberHoldsUpNoWriter) {
  char dir[] = "/tmp/loyalty-scan-XXXXXX";
  ASSERT_NE(mkdtemp(dir), nullptr);
  const std::string path = std::string(dir) + "/store.db";
  {
    auto store = open_sqlite_store(path);
    put_member(*store, "m1", "", 30);
    put_member(*store, "m2", "", 30);
    std::vector<std::string> seen;
    store->for_each_member([&](const MemberRow& row, const LedgerSums&) {
      seen.push_back(row.member_id);
      // On the same thread: were the scan holding the writer, this would never return.
      if (row.member_id == "m1") put_member(*store, "m0-joined-during-the-scan", "", 30);
    });
    EXPECT_EQ(seen, (std::vector<std::string>{"m1", "m2"}));
    EXPECT_EQ(store->member_count(), 3);
  }
  std::remove(path.c_str());
  std::remove((path + "-wal").c_str());
  std::remove((path + "-shm").c_str());
  rmdir(dir);
}

}  // namespace
}  // namespace loyalty::server
