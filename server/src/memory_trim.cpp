#include "memory_trim.hpp"

#if defined(__GLIBC__)
#include <malloc.h>
#endif

namespace loyalty::server {

MemoryTrim::MemoryTrim(std::chrono::milliseconds every) {
  thread_ = std::thread([this, every] {
    std::unique_lock<std::mutex> hold(mutex_);
    while (!wake_.wait_for(hold, every, [this] { return stopping_; })) {
      hold.unlock();
      trim_now();
      hold.lock();
    }
  });
}

MemoryTrim::~MemoryTrim() {
  {
    std::lock_guard<std::mutex> hold(mutex_);
    stopping_ = true;
  }
  wake_.notify_one();
  thread_.join();
}

bool MemoryTrim::trim_now() {
#if defined(__GLIBC__)
  malloc_trim(0);
  return true;
#else
  return false;
#endif
}

}  // namespace loyalty::server
