// A SQLite VFS that writes a transaction's WAL frames with one write.
//
// SQLite writes each WAL frame as two writes (its 24-byte header, then the
// page), so a group commit of 40 pages made 80 pwrite calls on the store's
// one writing connection, and on this VM every call pays the hypervisor's
// entry and exit: a third of the group's time under load. This VFS wraps
// the default one and, for WAL files only, gathers writes that follow one
// another in memory, then writes them at once when the transaction's commit
// frame is complete (its header carries the database's size, which only a
// commit frame's does), and before anything else touches the file (a read,
// a sync, a truncate, a size asked, a write elsewhere), so that no reader
// ever sees a frame that is not on the file. A commit whose write fails
// fails as a whole: SQLite writes the WAL index that makes frames visible
// only after the commit frame's write has returned.
//
// The database file, the journals and the shared-memory index go through
// the default VFS untouched; locks are the default VFS's own, so
// connections through either VFS work on the same file together.
#pragma once

#include <cstdint>

namespace loyalty::server {

// Registers the VFS once (thread-safe) and answers its name, for
// sqlite3_open_v2. Throws if SQLite has no default VFS.
const char* wal_batching_vfs();

// Writes SQLite asked of WAL files through the VFS, and writes made to them,
// since the process started (for tests and benchmarks).
struct WalWriteCounts {
  std::uint64_t asked = 0;
  std::uint64_t made = 0;
};
WalWriteCounts wal_write_counts();

}  // namespace loyalty::server
