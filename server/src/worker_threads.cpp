#include "worker_threads.hpp"

#include <algorithm>

namespace loyalty::server {

void WorkerThreads::enqueue(std::function<void()> job) {
  std::vector<std::unique_ptr<Worker>> ended;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (stopping_) return;
    ended.swap(retired_);
    jobs_.push_back(std::move(job));
    if (!idle_.empty()) {
      Worker* next = idle_.back();
      idle_.pop_back();
      next->woken = true;
      next->wake.notify_one();
    } else if (running_.size() < max_threads_) {
      running_.push_back(std::make_unique<Worker>());
      Worker* worker = running_.back().get();
      try {
        // The thread waits for this lock before it looks at its Worker.
        worker->thread = std::thread([this, worker] { run(*worker); });
      } catch (...) {
        running_.pop_back();  // no Worker without a thread to join
        throw;
      }
      ++started_;
    }
    // Otherwise a thread takes it when it finishes its job.
  }
  // Threads that ended on their own are joined outside the lock; each has
  // already let it go for the last time.
  for (auto& worker : ended) worker->thread.join();
}

void WorkerThreads::run(Worker& me) {
  std::unique_lock<std::mutex> lock(mutex_);
  for (;;) {
    if (!jobs_.empty()) {
      std::function<void()> job = std::move(jobs_.front());
      jobs_.pop_front();
      lock.unlock();
      job();
      lock.lock();
      continue;
    }
    if (stopping_) return;
    me.woken = false;
    idle_.push_back(&me);
    if (!me.wake.wait_for(lock, idle_limit_, [&] { return me.woken; })) {
      retire(me);
      return;
    }
  }
}

void WorkerThreads::retire(Worker& me) {
  idle_.erase(std::find(idle_.begin(), idle_.end(), &me));
  auto mine = std::find_if(running_.begin(), running_.end(),
                           [&](const std::unique_ptr<Worker>& worker) { return worker.get() == &me; });
  retired_.push_back(std::move(*mine));
  running_.erase(mine);
}

void WorkerThreads::shutdown() {
  std::vector<std::unique_ptr<Worker>> workers;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
    for (Worker* idle : idle_) {
      idle->woken = true;
      idle->wake.notify_one();
    }
    idle_.clear();
    workers.swap(running_);
    for (auto& worker : retired_) workers.push_back(std::move(worker));
    retired_.clear();
  }
  for (auto& worker : workers) worker->thread.join();
}

std::size_t WorkerThreads::started() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return started_;
}

std::size_t WorkerThreads::running() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return running_.size();
}

}  // namespace loyalty::server
