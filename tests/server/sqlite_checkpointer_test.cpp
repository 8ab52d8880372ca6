// The WAL's checkpoints run on the checkpointer's thread: the writer's
// commits only signal it, the WAL stays bounded (reused once copied), and
// everything committed is in the database when it is opened again.
#include "sqlite_checkpointer.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <string>
#include <thread>

namespace loyalty::server {
namespace {

void exec(sqlite3* db, const std::string& sql) {
  char* error = nullptr;
  ASSERT_EQ(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &error), SQLITE_OK) << (error ? error : "");
}

long long file_size(const std::string& path) {
  struct stat st {};
  return stat(path.c_str(), &st) == 0 ? static_cast<long long>(st.st_size) : -1;
}

TEST(SqliteCheckpointer, CommitsPastThePagesAreCheckpointedOnItsThreadAndTheWalStaysBounded) {
  const std::string path = "/tmp/loyalty-checkpointer-test-" + std::to_string(getpid()) + ".db";
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  exec(db, "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; CREATE TABLE t (k INTEGER PRIMARY KEY, v BLOB)");
  constexpr int kCommits = 3000;  // ~2 pages each: ~24 MB of WAL were it never checkpointed
  {
    sqlite3* own = nullptr;
    ASSERT_EQ(sqlite3_open(path.c_str(), &own), SQLITE_OK);
    SqliteCheckpointer checkpointer(own, db, 100);
    for (int i = 0; i < kCommits; ++i) exec(db, "INSERT INTO t VALUES (" + std::to_string(i) + ", zeroblob(5000))");
    for (int waited = 0; checkpointer.checkpoints() == 0 && waited < 5000; waited += 10) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    EXPECT_GT(checkpointer.checkpoints(), 0);
    EXPECT_LT(file_size(path + "-wal"), 8LL << 20) << "the WAL is reused once checkpointed";
  }
  // After the checkpointer, SQLite's own checkpoints again: the WAL still bounded.
  for (int i = kCommits; i < 2 * kCommits; ++i) exec(db, "INSERT INTO t VALUES (" + std::to_string(i) + ", zeroblob(5000))");
  EXPECT_LT(file_size(path + "-wal"), 16LL << 20);
  sqlite3_close(db);

  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  sqlite3_stmt* count = nullptr;
  ASSERT_EQ(sqlite3_prepare_v2(db, "SELECT COUNT(*) FROM t", -1, &count, nullptr), SQLITE_OK);
  ASSERT_EQ(sqlite3_step(count), SQLITE_ROW);
  EXPECT_EQ(sqlite3_column_int(count, 0), 2 * kCommits);
  sqlite3_finalize(count);
  sqlite3_close(db);
  for (const char* suffix : {"", "-wal", "-shm"}) std::remove((path + suffix).c_str());
}

}  // namespace
}  // namespace loyalty::server
