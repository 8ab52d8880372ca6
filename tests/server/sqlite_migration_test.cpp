// A SQLite file from an older server opens with this one: its members keep
// their JSON states (read as they are) and get token epoch 0; and a file
// from a newer server is refused, not misread.
#include <gtest/gtest.h>
#include <sqlite3.h>
#include <unistd.h>

#include "store.hpp"

namespace loyalty::server {
namespace {

class SqliteMigrationTest : public ::testing::Test {
 protected:
  void SetUp() override { path_ = "/tmp/loyalty-migration-test-" + std::to_string(getpid()) + ".db"; }
  void TearDown() override {
    for (const char* suffix : {"", "-wal", "-shm"}) std::remove((path_ + suffix).c_str());
  }
  void write_file(const char* sql) {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(path_.c_str(), &db), SQLITE_OK);
    ASSERT_EQ(sqlite3_exec(db, sql, nullptr, nullptr, nullptr), SQLITE_OK) << sqlite3_errmsg(db);
    sqlite3_close(db);
  }
  std::string path_;
};

TEST_F(SqliteMigrationTest, AVersion3FileOpensWithItsMembersReadableAtEpochZero) {
  write_file(R"sql(
    CREATE TABLE members (member_id TEXT PRIMARY KEY, state TEXT NOT NULL, version INTEGER NOT NULL,
                          inviter TEXT NOT NULL DEFAULT '', created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL);
    INSERT INTO members VALUES ('old', '{"member_id":"old","growth":5}', 2, '', 1, 1);
    PRAGMA user_version = 3;
  )sql");
  auto store = open_store("sqlite:" + path_);
  const auto row = store->read_member("old");
  ASSERT_TRUE(row.has_value());
  EXPECT_EQ(row->state, R"({"member_id":"old","growth":5})");
  EXPECT_EQ(row->version, 2);
  EXPECT_EQ(store->token_epoch("old"), 0);
  EXPECT_EQ(store->revoke_tokens("old"), 1);
  EXPECT_EQ(store->token_epoch("old"), 1);
  EXPECT_FALSE(store->token_epoch("nobody").has_value());
}

TEST_F(SqliteMigrationTest, AVersion6FileGainsProgrammeVersionsWithItsMembersUnderTheFirst) {
  write_file(R"sql(
    CREATE TABLE members (member_id TEXT PRIMARY KEY, state TEXT NOT NULL, version INTEGER NOT NULL,
                          inviter TEXT NOT NULL DEFAULT '', created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL,
                          token_epoch INTEGER NOT NULL DEFAULT 0);
    INSERT INTO members VALUES ('old', '{"member_id":"old","growth":5}', 2, '', 1, 1, 0);
    PRAGMA user_version = 6;
  )sql");
  auto store = open_store("sqlite:" + path_);
  EXPECT_EQ(store->read_member("old")->program_version, 0) << "the first version published";
  EXPECT_TRUE(store->programs(0).empty());
  EXPECT_TRUE(store->publish_program({1, 0, "{}", 5}));
  EXPECT_FALSE(store->publish_program({1, 0, "{}", 6})) << "a version is published once";
  ASSERT_EQ(store->programs(0).size(), 1u);
  EXPECT_EQ(store->programs(0)[0].published_at, 5);
  EXPECT_TRUE(store->programs(1).empty());
}

TEST_F(SqliteMigrationTest, AnOlderFileGainsAnEventLogThatStartsEmpty) {
  write_file(R"sql(
    CREATE TABLE members (member_id TEXT PRIMARY KEY, state TEXT NOT NULL, version INTEGER NOT NULL,
                          inviter TEXT NOT NULL DEFAULT '', created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL);
    INSERT INTO members VALUES ('old', '{"member_id":"old","growth":5}', 2, '', 1, 1);
    PRAGMA user_version = 4;
  )sql");
  auto store = open_store("sqlite:" + path_);
  store->with_member("old", [](MemberTransaction& tx) { tx.append_events({R"({"id":"c1","type":"checkin"})"}); });
  std::vector<std::string> seen;
  store->for_each_member_history([&](const MemberRow& row, const std::vector<std::string>& batches) {
    seen.push_back(row.member_id);
    EXPECT_EQ(batches, (std::vector<std::string>{R"([{"id":"c1","type":"checkin"}])"}));
  });
  EXPECT_EQ(seen, (std::vector<std::string>{"old"}));
}

TEST_F(SqliteMigrationTest, AFileFromANewerServerIsRefused) {
  write_file("PRAGMA user_version = 99;");
  EXPECT_THROW(open_store("sqlite:" + path_), StoreError);
}

}  // namespace
}  // namespace loyalty::server
