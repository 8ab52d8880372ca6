// The HTTP server's worker threads: started as connections need them, up to
// a maximum, and the one idle the shortest time takes the next connection.
//
// cpp-httplib's pool starts every thread at once and wakes whichever waits
// on its one condition variable, in turn: under a steady load each of 256
// threads served a connection every minute or two, and each kept its stack
// and malloc's per-thread cache of the blocks it last freed. Here a few
// threads stay warm and serve the load, the others are never started: 33
// to 57 threads in a soak at 200 requests/s, its RSS ~16 MB lower at the
// same minute (bench/RESULTS.md).
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

namespace loyalty::server {

class WorkerThreads {
 public:
  explicit WorkerThreads(std::size_t max_threads) : max_threads_(max_threads) {}
  // Finishes the jobs queued, then stops every thread.
  ~WorkerThreads() { shutdown(); }
  WorkerThreads(const WorkerThreads&) = delete;
  WorkerThreads& operator=(const WorkerThreads&) = delete;

  // Runs `job` on the thread idle the shortest time, on a new one if none is
  // idle and fewer than the maximum run, or else once a thread is free.
  void enqueue(std::function<void()> job);
  // Finishes the jobs queued, then stops every thread; later jobs are dropped.
  void shutdown();

  std::size_t started() const;  // threads started so far (for tests)

 private:
  struct Idle {
    std::condition_variable wake;
    bool woken = false;
  };
  void run(Idle& me);

  const std::size_t max_threads_;
  mutable std::mutex mutex_;
  std::deque<std::function<void()>> jobs_;
  std::vector<Idle*> idle_;  // idle the shortest time last
  std::vector<std::unique_ptr<Idle>> slots_;
  std::vector<std::thread> threads_;
  bool stopping_ = false;
};

}  // namespace loyalty::server
