// Gives memory the server has freed back to the system now and then.
//
// A soak showed the heap flat (held member states at their budget) while RSS
// kept growing: glibc's malloc keeps freed pages inside its per-thread
// arenas, and under 256 worker threads allocating and freeing states of
// every size, those pages are rarely reused as a whole. malloc_trim()
// returns every free page of every arena; it costs a few milliseconds for
// tens of megabytes, taken once every `every` on a thread of its own.
#pragma once

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

namespace loyalty::server {

class MemoryTrim {
 public:
  explicit MemoryTrim(std::chrono::milliseconds every);
  ~MemoryTrim();  // stops the thread
  MemoryTrim(const MemoryTrim&) = delete;
  MemoryTrim& operator=(const MemoryTrim&) = delete;

  // Returns what is free now; false where the C library has no such call.
  static bool trim_now();

 private:
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace loyalty::server
