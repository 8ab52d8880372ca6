// `loyalty audit` on a store: clean when states and ledger agree; otherwise
// each mismatch and each broken invariant is named with its member.
#include <gtest/gtest.h>

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

}  // namespace
}  // namespace loyalty::server
