// The HTTP server's worker threads: started only as jobs need them, the
// warm one reused, every job queued run before they stop.
#include "worker_threads.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <set>
#include <thread>

namespace loyalty::server {
namespace {

// A job's end, waited for by the test.
class Done {
 public:
  void set() {
    std::lock_guard<std::mutex> lock(mutex_);
    ++count_;
    changed_.notify_all();
  }
  bool wait_for(int count) {
    std::unique_lock<std::mutex> lock(mutex_);
    return changed_.wait_for(lock, std::chrono::seconds(10), [&] { return count_ >= count; });
  }

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  int count_ = 0;
};

TEST(WorkerThreads, JobsOneAfterAnotherRunOnTheSameWarmThread) {
  WorkerThreads threads(256);
  // Three threads started by three jobs at once, all idle again after.
  std::atomic<int> running{0};
  Done warmed;
  for (int i = 0; i < 3; ++i) {
    threads.enqueue([&] {
      ++running;
      while (running < 3) std::this_thread::sleep_for(std::chrono::milliseconds(1));
      warmed.set();
    });
  }
  ASSERT_TRUE(warmed.wait_for(3));
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  ASSERT_EQ(threads.started(), 3u);

  Done done;
  std::mutex mutex;
  std::set<std::thread::id> ran_on;
  for (int i = 0; i < 50; ++i) {
    threads.enqueue([&] {
      {
        std::lock_guard<std::mutex> lock(mutex);
        ran_on.insert(std::this_thread::get_id());
      }
      done.set();
    });
    ASSERT_TRUE(done.wait_for(i + 1));
    // The thread goes back to idle after its job: let it, so that the next
    // job finds it idle rather than still busy.
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  EXPECT_EQ(threads.started(), 3u);
  EXPECT_EQ(ran_on.size(), 1u);  // not each of the three in turn
}

TEST(WorkerThreads, ThreadsStartAsJobsWaitUpToTheMaximumAndTheRestQueue) {
  WorkerThreads threads(4);
  std::atomic<bool> release{false};
  std::atomic<int> running{0};
  Done done;
  for (int i = 0; i < 10; ++i) {
    threads.enqueue([&] {
      ++running;
      while (!release) std::this_thread::sleep_for(std::chrono::milliseconds(1));
      done.set();
    });
  }
  while (running < 4) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  EXPECT_EQ(running, 4);  // the other six wait for a thread
  EXPECT_EQ(threads.started(), 4u);
  release = true;
  EXPECT_TRUE(done.wait_for(10));
  EXPECT_EQ(threads.started(), 4u);
}

TEST(WorkerThreads, ShutdownRunsEveryJobQueuedAndDropsLaterOnes) {
  std::atomic<int> ran{0};
  {
    WorkerThreads threads(2);
    for (int i = 0; i < 100; ++i) {
      threads.enqueue([&] {
        std::this_thread::sleep_for(std::chrono::microseconds(100));
        ++ran;
      });
    }
    threads.shutdown();
    EXPECT_EQ(ran, 100);
    threads.enqueue([&] { ++ran; });
  }
  EXPECT_EQ(ran, 100);
}

}  // namespace
}  // namespace loyalty::server
