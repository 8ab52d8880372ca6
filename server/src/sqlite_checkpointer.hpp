// Checkpoints of a SQLite store's WAL on a thread of their own.
//
// SQLite's automatic checkpoint runs inside the COMMIT that takes the WAL
// past its threshold, on the committing connection. With group commit that
// connection is the one writer of every member's transaction, and it stood
// still while the WAL's pages were copied into the database and the
// database synced (~5 % of the server's CPU under load, and a pause for
// every group queued behind it). Here a commit only signals; a PASSIVE
// checkpoint, which waits for neither the writer nor the readers, runs on a
// connection of its own. Crash safety is SQLite's own: a checkpoint copies
// only committed frames and a WAL is reused only once all of it is copied.
#pragma once

#include <sqlite3.h>

#include <condition_variable>
#include <mutex>
#include <thread>

namespace loyalty::server {

class SqliteCheckpointer {
 public:
  // Checkpoints on `connection` (its own, open on the same file; closed by
  // this) once a commit of `writer` leaves `pages` or more in the WAL. Takes
  // over `writer`'s WAL hook, which ends its automatic checkpoints.
  SqliteCheckpointer(sqlite3* connection, sqlite3* writer, int pages = 1000);
  // Gives the hook back to SQLite's default and stops the thread after the
  // checkpoint under way, if any. Before `writer` closes.
  ~SqliteCheckpointer();
  SqliteCheckpointer(const SqliteCheckpointer&) = delete;
  SqliteCheckpointer& operator=(const SqliteCheckpointer&) = delete;

  // Checkpoints run so far (for tests).
  int checkpoints() const;

 private:
  static int committed(void* self, sqlite3* db, const char* name, int pages);
  void run();

  sqlite3* writer_;
  sqlite3* db_ = nullptr;  // the checkpoints' own connection
  const int pages_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  bool due_ = false;
  bool stopping_ = false;
  int checkpoints_ = 0;
  std::thread thread_;
};

}  // namespace loyalty::server
