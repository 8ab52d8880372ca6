// The WAL-batching VFS: a transaction's frames reach the WAL in one write,
// and nothing a reader, the writer itself or a later open reads differs
// from what the default VFS would have given.
#include "sqlite_wal_batching.hpp"

#include <gtest/gtest.h>
#include <sqlite3.h>
#include <unistd.h>

#include <cstdio>
#include <string>

namespace loyalty::server {
namespace {

void exec(sqlite3* db, const std::string& sql) {
  char* error = nullptr;
  ASSERT_EQ(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &error), SQLITE_OK) << (error ? error : "");
}

long long single_integer(sqlite3* db, const std::string& sql) {
  sqlite3_stmt* s = nullptr;
  EXPECT_EQ(sqlite3_prepare_v2(db, sql.c_str(), -1, &s, nullptr), SQLITE_OK) << sqlite3_errmsg(db);
  const long long value = sqlite3_step(s) == SQLITE_ROW ? sqlite3_column_int64(s, 0) : -1;
  sqlite3_finalize(s);
  return value;
}

std::string single_text(sqlite3* db, const std::string& sql) {
  sqlite3_stmt* s = nullptr;
  EXPECT_EQ(sqlite3_prepare_v2(db, sql.c_str(), -1, &s, nullptr), SQLITE_OK) << sqlite3_errmsg(db);
  std::string value = sqlite3_step(s) == SQLITE_ROW ? reinterpret_cast<const char*>(sqlite3_column_text(s, 0)) : "";
  sqlite3_finalize(s);
  return value;
}

struct TempDatabase {
  std::string path = "/tmp/loyalty-wal-batching-test-" + std::to_string(getpid()) + "-" +
                     ::testing::UnitTest::GetInstance()->current_test_info()->name() + ".db";
  ~TempDatabase() {
    for (const char* suffix : {"", "-wal", "-shm"}) std::remove((path + suffix).c_str());
  }
};

sqlite3* open_writer(const std::string& path) {
  sqlite3* db = nullptr;
  EXPECT_EQ(sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, wal_batching_vfs()),
            SQLITE_OK);
  exec(db, "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA wal_autocheckpoint = 0");
  return db;
}

TEST(WalBatching, ACommitOfManyPagesReachesTheWalInOneWrite) {
  TempDatabase file;
  sqlite3* db = open_writer(file.path);
  exec(db, "CREATE TABLE t (k INTEGER PRIMARY KEY, v BLOB)");
  const WalWriteCounts before = wal_write_counts();
  exec(db, "BEGIN; WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 25) "
           "INSERT INTO t SELECT i, randomblob(3000) FROM n; COMMIT");
  const WalWriteCounts after = wal_write_counts();
  // ~25 pages (100 KB), each a header and a page: some 50 writes asked, one made.
  EXPECT_GE(after.asked - before.asked, 50u);
  EXPECT_EQ(after.made - before.made, 1u);
  // A larger one in writes of at most 124 KiB.
  exec(db, "BEGIN; WITH RECURSIVE n(i) AS (SELECT 26 UNION ALL SELECT i + 1 FROM n WHERE i < 225) "
           "INSERT INTO t SELECT i, randomblob(3000) FROM n; COMMIT");
  const WalWriteCounts larger = wal_write_counts();
  EXPECT_GE(larger.asked - after.asked, 400u);
  EXPECT_LE(larger.made - after.made, 8u);
  EXPECT_EQ(single_integer(db, "SELECT count(*) FROM t"), 225);
  sqlite3_close(db);
}

TEST(WalBatching, EveryCommitIsOnTheWalForAnotherConnectionAtOnce) {
  TempDatabase file;
  sqlite3* db = open_writer(file.path);
  exec(db, "CREATE TABLE t (k INTEGER PRIMARY KEY, v TEXT)");
  sqlite3* reader = nullptr;
  ASSERT_EQ(sqlite3_open_v2(file.path.c_str(), &reader, SQLITE_OPEN_READONLY, nullptr), SQLITE_OK);
  for (int i = 1; i <= 50; ++i) {
    exec(db, "INSERT INTO t VALUES (" + std::to_string(i) + ", 'row " + std::to_string(i) + "')");
    ASSERT_EQ(single_integer(reader, "SELECT count(*) FROM t"), i);
    ASSERT_EQ(single_text(reader, "SELECT v FROM t WHERE k = " + std::to_string(i)), "row " + std::to_string(i));
  }
  sqlite3_close(reader);
  sqlite3_close(db);
}

TEST(WalBatching, PagesSpilledMidTransactionReadBackRightAndSurviveAReopen) {
  TempDatabase file;
  sqlite3* db = open_writer(file.path);
  // A page cache of 10 pages: a transaction of hundreds spills pages to the
  // WAL before its commit and reads them back from there.
  exec(db, "PRAGMA cache_size = 10; CREATE TABLE t (k INTEGER PRIMARY KEY, v BLOB, n INTEGER)");
  exec(db, "BEGIN; WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 2000) "
           "INSERT INTO t SELECT i, randomblob(500), i FROM n");
  exec(db, "UPDATE t SET n = n * 2 WHERE k % 3 = 0");  // pages spilled, changed again
  EXPECT_EQ(single_integer(db, "SELECT sum(n) FROM t"), 2001000 + 3 * 666 * 667 / 2);
  exec(db, "COMMIT");
  sqlite3_close(db);

  sqlite3* again = nullptr;
  ASSERT_EQ(sqlite3_open_v2(file.path.c_str(), &again, SQLITE_OPEN_READONLY, nullptr), SQLITE_OK);
  EXPECT_EQ(single_text(again, "PRAGMA integrity_check"), "ok");
  EXPECT_EQ(single_integer(again, "SELECT sum(n) FROM t"), 2001000 + 3 * 666 * 667 / 2);
  sqlite3_close(again);
}

TEST(WalBatching, ARolledBackTransactionLeavesNothingAndTheNextCommits) {
  TempDatabase file;
  sqlite3* db = open_writer(file.path);
  exec(db, "PRAGMA cache_size = 10; CREATE TABLE t (k INTEGER PRIMARY KEY, v BLOB)");
  exec(db, "BEGIN; WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1000) "
           "INSERT INTO t SELECT i, randomblob(500) FROM n; ROLLBACK");
  exec(db, "INSERT INTO t VALUES (1, x'00')");
  sqlite3* reader = nullptr;
  ASSERT_EQ(sqlite3_open_v2(file.path.c_str(), &reader, SQLITE_OPEN_READONLY, nullptr), SQLITE_OK);
  EXPECT_EQ(single_integer(reader, "SELECT count(*) FROM t"), 1);
  EXPECT_EQ(single_text(reader, "PRAGMA integrity_check"), "ok");
  sqlite3_close(reader);
  sqlite3_close(db);
}

}  // namespace
}  // namespace loyalty::server
