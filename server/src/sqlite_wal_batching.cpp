#include "sqlite_wal_batching.hpp"

#include <sqlite3.h>

#include <algorithm>
#include <atomic>
#include <cstring>
#include <mutex>
#include <stdexcept>
#include <vector>

namespace loyalty::server {

namespace {

constexpr int kFrameHeaderBytes = 24;
// Written at once past this even without a commit (a transaction larger
// than the page cache spills pages mid-way).
constexpr std::size_t kMaxGathered = 4 << 20;
// The default VFS writes at most 128 KiB - 1 a call (it masks the length:
// a longer write would come back short, as a full disk).
constexpr std::size_t kMaxWrite = 124 << 10;

sqlite3_vfs* base_vfs = nullptr;
sqlite3_vfs batching_vfs;
std::atomic<std::uint64_t> writes_asked{0};
std::atomic<std::uint64_t> writes_made{0};

// What SQLite allocates for a file of this VFS: ours, then the default
// VFS's file right after it.
struct File {
  sqlite3_file base;
  sqlite3_file* real;
  // WAL files only: bytes gathered, from offset `at`.
  std::vector<unsigned char>* gathered;
  sqlite3_int64 at;
  bool commit_page_next;  // the last write was a commit frame's header
};

sqlite3_file* real(sqlite3_file* f) { return reinterpret_cast<File*>(f)->real; }

int write_gathered(File* f) {
  if (!f->gathered || f->gathered->empty()) return SQLITE_OK;
  int rc = SQLITE_OK;
  for (std::size_t done = 0; done < f->gathered->size() && rc == SQLITE_OK; done += kMaxWrite) {
    const std::size_t amount = std::min(kMaxWrite, f->gathered->size() - done);
    rc = f->real->pMethods->xWrite(f->real, f->gathered->data() + done, static_cast<int>(amount),
                                   f->at + static_cast<sqlite3_int64>(done));
    writes_made.fetch_add(1, std::memory_order_relaxed);
  }
  f->gathered->clear();
  f->commit_page_next = false;
  return rc;
}

int flushed(sqlite3_file* f) { return write_gathered(reinterpret_cast<File*>(f)); }

int close_file(sqlite3_file* f) {
  File* file = reinterpret_cast<File*>(f);
  const int written = write_gathered(file);
  delete file->gathered;
  file->gathered = nullptr;
  const int closed = file->real->pMethods->xClose(file->real);
  return written != SQLITE_OK ? written : closed;
}

int read_file(sqlite3_file* f, void* into, int amount, sqlite3_int64 offset) {
  if (int rc = flushed(f)) return rc;
  return real(f)->pMethods->xRead(real(f), into, amount, offset);
}

// A frame header's bytes 4-7: the database's size in pages after a commit,
// zero in every other frame.
bool is_commit_header(const void* data, int amount) {
  if (amount != kFrameHeaderBytes) return false;
  const auto* bytes = static_cast<const unsigned char*>(data);
  return (bytes[4] | bytes[5] | bytes[6] | bytes[7]) != 0;
}

int write_file(sqlite3_file* f, const void* data, int amount, sqlite3_int64 offset) {
  File* file = reinterpret_cast<File*>(f);
  if (!file->gathered) return file->real->pMethods->xWrite(file->real, data, amount, offset);
  writes_asked.fetch_add(1, std::memory_order_relaxed);
  std::vector<unsigned char>& gathered = *file->gathered;
  if (!gathered.empty() && offset != file->at + static_cast<sqlite3_int64>(gathered.size())) {
    if (int rc = write_gathered(file)) return rc;  // a write elsewhere (a frame rewritten): in order
  }
  if (gathered.empty()) file->at = offset;
  const auto* bytes = static_cast<const unsigned char*>(data);
  gathered.insert(gathered.end(), bytes, bytes + amount);
  const bool commit_done = file->commit_page_next;
  file->commit_page_next = is_commit_header(data, amount);
  if (commit_done || gathered.size() >= kMaxGathered) return write_gathered(file);
  return SQLITE_OK;
}

int truncate_file(sqlite3_file* f, sqlite3_int64 size) {
  if (int rc = flushed(f)) return rc;
  return real(f)->pMethods->xTruncate(real(f), size);
}

int sync_file(sqlite3_file* f, int flags) {
  if (int rc = flushed(f)) return rc;
  return real(f)->pMethods->xSync(real(f), flags);
}

int file_size(sqlite3_file* f, sqlite3_int64* size) {
  if (int rc = flushed(f)) return rc;
  return real(f)->pMethods->xFileSize(real(f), size);
}

int lock_file(sqlite3_file* f, int level) { return real(f)->pMethods->xLock(real(f), level); }
int unlock_file(sqlite3_file* f, int level) { return real(f)->pMethods->xUnlock(real(f), level); }
int check_reserved_lock(sqlite3_file* f, int* out) { return real(f)->pMethods->xCheckReservedLock(real(f), out); }

int file_control(sqlite3_file* f, int op, void* arg) {
  if (int rc = flushed(f)) return rc;
  return real(f)->pMethods->xFileControl(real(f), op, arg);
}

int sector_size(sqlite3_file* f) { return real(f)->pMethods->xSectorSize(real(f)); }
int device_characteristics(sqlite3_file* f) { return real(f)->pMethods->xDeviceCharacteristics(real(f)); }

int shm_map(sqlite3_file* f, int region, int size, int extend, void volatile** out) {
  return real(f)->pMethods->xShmMap(real(f), region, size, extend, out);
}
int shm_lock(sqlite3_file* f, int offset, int n, int flags) { return real(f)->pMethods->xShmLock(real(f), offset, n, flags); }
void shm_barrier(sqlite3_file* f) { real(f)->pMethods->xShmBarrier(real(f)); }
int shm_unmap(sqlite3_file* f, int delete_flag) { return real(f)->pMethods->xShmUnmap(real(f), delete_flag); }

int fetch(sqlite3_file* f, sqlite3_int64 offset, int amount, void** out) {
  if (int rc = flushed(f)) return rc;
  return real(f)->pMethods->xFetch(real(f), offset, amount, out);
}
int unfetch(sqlite3_file* f, sqlite3_int64 offset, void* page) { return real(f)->pMethods->xUnfetch(real(f), offset, page); }

const sqlite3_io_methods kMethods = {
    3,           close_file,   read_file,   write_file, truncate_file, sync_file,  file_size,
    lock_file,   unlock_file,  check_reserved_lock,     file_control,  sector_size, device_characteristics,
    shm_map,     shm_lock,     shm_barrier, shm_unmap,  fetch,         unfetch,
};

int open_file(sqlite3_vfs*, sqlite3_filename name, sqlite3_file* f, int flags, int* out_flags) {
  File* file = reinterpret_cast<File*>(f);
  file->real = reinterpret_cast<sqlite3_file*>(file + 1);
  file->gathered = nullptr;
  file->at = 0;
  file->commit_page_next = false;
  const int rc = base_vfs->xOpen(base_vfs, name, file->real, flags, out_flags);
  // The default VFS's files are of version 3 (shared memory, memory maps);
  // one of an older version would lack the calls forwarded to it.
  if (!file->real->pMethods || file->real->pMethods->iVersion < 3) {
    if (file->real->pMethods) file->real->pMethods->xClose(file->real);
    f->pMethods = nullptr;
    return rc != SQLITE_OK ? rc : SQLITE_CANTOPEN;
  }
  if (flags & SQLITE_OPEN_WAL) file->gathered = new std::vector<unsigned char>();
  f->pMethods = &kMethods;
  return rc;
}

// Everything but opening a file is the default VFS's, called as itself.
int delete_file(sqlite3_vfs*, const char* name, int sync_dir) { return base_vfs->xDelete(base_vfs, name, sync_dir); }
int access(sqlite3_vfs*, const char* name, int flags, int* out) { return base_vfs->xAccess(base_vfs, name, flags, out); }
int full_pathname(sqlite3_vfs*, const char* name, int size, char* out) {
  return base_vfs->xFullPathname(base_vfs, name, size, out);
}
void* dl_open(sqlite3_vfs*, const char* name) { return base_vfs->xDlOpen(base_vfs, name); }
void dl_error(sqlite3_vfs*, int size, char* out) { base_vfs->xDlError(base_vfs, size, out); }
void (*dl_sym(sqlite3_vfs*, void* handle, const char* symbol))(void) { return base_vfs->xDlSym(base_vfs, handle, symbol); }
void dl_close(sqlite3_vfs*, void* handle) { base_vfs->xDlClose(base_vfs, handle); }
int randomness(sqlite3_vfs*, int size, char* out) { return base_vfs->xRandomness(base_vfs, size, out); }
int sleep_for(sqlite3_vfs*, int microseconds) { return base_vfs->xSleep(base_vfs, microseconds); }
int current_time(sqlite3_vfs*, double* out) { return base_vfs->xCurrentTime(base_vfs, out); }
int last_error(sqlite3_vfs*, int size, char* out) { return base_vfs->xGetLastError(base_vfs, size, out); }
int current_time_ms(sqlite3_vfs*, sqlite3_int64* out) { return base_vfs->xCurrentTimeInt64(base_vfs, out); }

}  // namespace

const char* wal_batching_vfs() {
  static std::once_flag registered;
  std::call_once(registered, [] {
    base_vfs = sqlite3_vfs_find(nullptr);
    if (!base_vfs || base_vfs->iVersion < 2) throw std::runtime_error("sqlite: no default VFS to batch WAL writes over");
    // Version 2: the default VFS's system-call overrides are not offered.
    batching_vfs = sqlite3_vfs{
        2, static_cast<int>(sizeof(File)) + base_vfs->szOsFile, base_vfs->mxPathname, nullptr,
        "loyalty-wal-batching", nullptr,
        open_file, delete_file, access, full_pathname,
        dl_open, dl_error, dl_sym, dl_close,
        randomness, sleep_for, current_time, last_error, current_time_ms,
        nullptr, nullptr, nullptr,
    };
    if (sqlite3_vfs_register(&batching_vfs, /*makeDflt=*/0) != SQLITE_OK) {
      throw std::runtime_error("sqlite: cannot register the WAL-batching VFS");
    }
  });
  return batching_vfs.zName;
}

WalWriteCounts wal_write_counts() {
  return {writes_asked.load(std::memory_order_relaxed), writes_made.load(std::memory_order_relaxed)};
}

}  // namespace loyalty::server
