#include "sqlite_checkpointer.hpp"

#include <signal.h>

namespace loyalty::server {

SqliteCheckpointer::SqliteCheckpointer(sqlite3* connection, sqlite3* writer, int pages)
    : writer_(writer), db_(connection), pages_(pages) {
  // Signals are the server's stopping thread's: the store is opened before
  // the server blocks them, and a thread takes the mask it is started with.
  sigset_t all;
  sigset_t before;
  sigfillset(&all);
  pthread_sigmask(SIG_BLOCK, &all, &before);
  thread_ = std::thread([this] { run(); });
  pthread_sigmask(SIG_SETMASK, &before, nullptr);
  sqlite3_wal_hook(writer_, &SqliteCheckpointer::committed, this);
}

SqliteCheckpointer::~SqliteCheckpointer() {
  sqlite3_wal_autocheckpoint(writer_, 1000);  // SQLite's own hook again, for what the writer commits from now on
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_one();
  thread_.join();
  sqlite3_close(db_);
}

int SqliteCheckpointer::checkpoints() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return checkpoints_;
}

// On the writer's thread, after each commit: `pages` is the WAL's length.
int SqliteCheckpointer::committed(void* self, sqlite3* db, const char* name, int pages) {
  auto& c = *static_cast<SqliteCheckpointer*>(self);
  // A WAL is reused only once a checkpoint has copied all of it, which one
  // running beside a busy writer never does: past four times the pages,
  // the writer finishes the copy itself (most of it is done) and the next
  // commit starts the WAL over.
  // Its errors are not the commit's (which has happened), as in SQLite's own hook.
  if (pages >= 4 * c.pages_) {
    sqlite3_wal_checkpoint_v2(db, name, SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr);
    return SQLITE_OK;
  }
  if (pages >= c.pages_) {
    {
      std::lock_guard<std::mutex> lock(c.mutex_);
      c.due_ = true;
    }
    c.wake_.notify_one();
  }
  return SQLITE_OK;
}

void SqliteCheckpointer::run() {
  std::unique_lock<std::mutex> lock(mutex_);
  for (;;) {
    wake_.wait(lock, [this] { return due_ || stopping_; });
    if (stopping_) return;
    due_ = false;
    lock.unlock();
    // What it cannot copy now (frames a reader still needs) the next one does.
    sqlite3_wal_checkpoint_v2(db_, nullptr, SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr);
    lock.lock();
    ++checkpoints_;
  }
}

}  // namespace loyalty::server
