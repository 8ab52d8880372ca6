#include "sqlite_backup.hpp"

#include <sqlite3.h>

#include <chrono>
#include <filesystem>
#include <memory>
#include <thread>

#include "store.hpp"

namespace loyalty::server {

namespace {

struct Close {
  void operator()(sqlite3* db) const { sqlite3_close(db); }
};
using Database = std::unique_ptr<sqlite3, Close>;

Database open(const std::string& path, int flags) {
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(path.c_str(), &db, flags, nullptr) != SQLITE_OK) {
    const std::string message = db ? sqlite3_errmsg(db) : "out of memory";
    sqlite3_close(db);
    throw StoreError("cannot open " + path + ": " + message);
  }
  sqlite3_busy_timeout(db, 5000);
  return Database(db);
}

std::string single_text(sqlite3* db, const char* sql) {
  sqlite3_stmt* statement = nullptr;
  std::string value;
  if (sqlite3_prepare_v2(db, sql, -1, &statement, nullptr) == SQLITE_OK && sqlite3_step(statement) == SQLITE_ROW) {
    const unsigned char* text = sqlite3_column_text(statement, 0);
    value = text ? reinterpret_cast<const char*>(text) : "";
  }
  sqlite3_finalize(statement);
  return value;
}

}  // namespace

BackupResult backup_sqlite(const std::string& source, const std::string& target) {
  std::error_code error;
  if (!std::filesystem::is_regular_file(source, error)) throw StoreError("no database file " + source);
  if (std::filesystem::exists(target, error)) throw StoreError(target + " exists: a backup never overwrites a file");
  Database from = open(source, SQLITE_OPEN_READONLY);
  Database to = open(target, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
  sqlite3_backup* backup = sqlite3_backup_init(to.get(), "main", from.get(), "main");
  if (!backup) throw StoreError("cannot back up " + source + ": " + sqlite3_errmsg(to.get()));
  // In steps, so that the server's writers wait at most one step for the
  // read lock; a step that meets a writer is tried again.
  int rc = SQLITE_OK;
  while (rc == SQLITE_OK || rc == SQLITE_BUSY || rc == SQLITE_LOCKED) {
    rc = sqlite3_backup_step(backup, 256);
    if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED) std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  BackupResult result;
  result.pages = sqlite3_backup_pagecount(backup);
  sqlite3_backup_finish(backup);
  if (rc != SQLITE_DONE) {
    const std::string message = sqlite3_errstr(rc);
    to.reset();
    std::filesystem::remove(target, error);
    throw StoreError("backup of " + source + " failed: " + message);
  }
  const std::string check = single_text(to.get(), "PRAGMA integrity_check");
  if (check != "ok") throw StoreError("the copy " + target + " fails its integrity check: " + check);
  result.members = std::stoll("0" + single_text(to.get(), "SELECT count(*) FROM members"));
  return result;
}

}  // namespace loyalty::server
