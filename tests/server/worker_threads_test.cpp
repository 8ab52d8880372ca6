// The HTTP server's worker threads: started only as jobs need them, the
// warm one reused, the idle ones ended, every job queued run before they stop.
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

TEST(WorkerThreads, ThreadsIdlePastTheLimitEndAndTheWarmOneStays) {
  using std::chrono::milliseconds;
  WorkerThreads threads(16, milliseconds(500));
  // A spike: eight jobs at once start eight threads.
  std::atomic<int> running{0};
  Done spike;
  for (int i = 0; i < 8; ++i) {
    threads.enqueue([&] {
      ++running;
      while (running < 8) std::this_thread::sleep_for(milliseconds(1));
      spike.set();
    });
  }
  ASSERT_TRUE(spike.wait_for(8));
  EXPECT_EQ(threads.running(), 8u);

  // Then a trickle, a job every 10 ms for 1.5 s: the warm thread serves it
  // and stays, the seven others end.
  Done trickle;
  for (int i = 0; i < 150; ++i) {
    threads.enqueue([&] { trickle.set(); });
    ASSERT_TRUE(trickle.wait_for(i + 1));
    std::this_thread::sleep_for(milliseconds(10));
  }
  EXPECT_EQ(threads.running(), 1u);
  EXPECT_EQ(threads.started(), 8u);

  // Nothing at all: the last one ends too, and the next job starts a thread.
  const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (threads.running() > 0 && std::chrono::steady_clock::now() < until) {
    std::this_thread::sleep_for(milliseconds(10));
  }
  EXPECT_EQ(threads.running(), 0u);
  Done after;
  threads.enqueue([&] { after.set(); });
  EXPECT_TRUE(after.wait_for(1));
  EXPECT_EQ(threads.started(), 9u);
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
