#include "process_memory.hpp"

#include <sqlite3.h>

// Under AddressSanitizer, which replaces malloc, glibc's own is never set
// up by the main thread; mallinfo2() from a worker thread set it up there,
// and glibc then aborted as worker threads ended (its count of the threads
// on its main arena one short). Its statistics say nothing there anyway.
#if defined(__GLIBC__) && !defined(__SANITIZE_ADDRESS__)
#define LOYALTY_GLIBC_MALLOC_STATS 1
#include <malloc.h>
#endif

namespace loyalty::server {

ProcessMemory process_memory() {
  ProcessMemory m;
#if defined(LOYALTY_GLIBC_MALLOC_STATS)
  const struct mallinfo2 info = mallinfo2();
  if (info.arena == 0 && info.hblkhd == 0) {
    // glibc's malloc has no memory at all: another allocator serves this
    // process (AddressSanitizer's, a preloaded one), and glibc cannot say.
    m.heap_in_use = -1;
    m.heap_free_kept = -1;
  } else {
    // Blocks mapped one by one (large ones) count as in use: they go back to the system when freed.
    m.heap_in_use = static_cast<std::int64_t>(info.uordblks + info.hblkhd);
    m.heap_free_kept = static_cast<std::int64_t>(info.fordblks);
  }
#else
  m.heap_in_use = -1;
  m.heap_free_kept = -1;
#endif
  m.sqlite = sqlite3_memory_used();
  return m;
}

}  // namespace loyalty::server
