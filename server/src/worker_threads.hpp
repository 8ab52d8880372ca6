// The HTTP server's worker threads: started as connections need them, up to
// a maximum, and the one idle the shortest time takes the next connection.
//
// cpp-httplib's pool starts every thread at once and wakes whichever waits
// on its one condition variable, in turn: under a steady load each of 256
// threads served a connection every minute or two, and each kept its stack
// and malloc's per-thread cache of the blocks it last freed. Here a few
// threads stay warm and serve the load, the others are never started: 33
// to 57 threads in a soak at 200 requests/s, its RSS ~16 MB lower at the
// same minute (bench/RESULTS.md). A thread idle longer than a limit ends,
// so that a spike's threads (an 11.11 evening's 256) do not stay for good.
#pragma once

#include <chrono>
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
  static constexpr std::chrono::milliseconds kDefaultIdleLimit{std::chrono::seconds(30)};

  explicit WorkerThreads(std::size_t max_threads,
                         std::chrono::milliseconds idle_limit = kDefaultIdleLimit)
      : max_threads_(max_threads), idle_limit_(idle_limit) {}
  // Finishes the jobs queued, then stops every thread.
  ~WorkerThreads() { shutdown(); }
  WorkerThreads(const WorkerThreads&) = delete;
  WorkerThreads& operator=(const WorkerThreads&) = delete;

  // Runs `job` on the thread idle the shortest time, on a new one if none is
  // idle and fewer than the maximum run, or else once a thread is free.
  void enqueue(std::function<void()> job);
  // Finishes the jobs queued, then stops every thread; later jobs are dropped.
  void shutdown();

  std::size_t started() const;  // threads started so far, ended ones too (for tests)
  std::size_t running() const;  // threads not ended

 private:
  struct Worker {
    std::condition_variable wake;
    bool woken = false;
    std::thread thread;
  };
  void run(Worker& me);
  // Called by `me` with the lock held, idle past the limit: it leaves the
  // running set for the retired one, whose threads the next `enqueue` or
  // `shutdown` joins (glibc gives back an ended thread's stack pages as it
  // exits, and the mapping when it is joined).
  void retire(Worker& me);

  const std::size_t max_threads_;
  const std::chrono::milliseconds idle_limit_;
  mutable std::mutex mutex_;
  std::deque<std::function<void()>> jobs_;
  std::vector<Worker*> idle_;  // idle the shortest time last
  std::vector<std::unique_ptr<Worker>> running_;
  std::vector<std::unique_ptr<Worker>> retired_;  // ended, not yet joined
  std::size_t started_ = 0;
  bool stopping_ = false;
};

}  // namespace loyalty::server
