// Where the server's memory is, for /healthz: malloc's heap in use and the
// free memory it keeps, and SQLite's own (its page caches and statements).
// An engineer watching RSS grow tells from these a leak (in use grows), a
// fragmented heap (free kept grows) and a cache filling to its bound.
#pragma once

#include <cstdint>

namespace loyalty::server {

struct ProcessMemory {
  // -1: unknown here (not glibc, or another allocator in its place).
  std::int64_t heap_in_use = 0;      // bytes malloc has handed out and not had back
  std::int64_t heap_free_kept = 0;   // bytes freed to malloc that it keeps from the system
  std::int64_t sqlite = 0;           // bytes SQLite has allocated, part of heap_in_use
};

// A few microseconds: malloc walks its free lists under its lock.
ProcessMemory process_memory();

}  // namespace loyalty::server
