#include "worker_threads.hpp"

namespace loyalty::server {

void WorkerThreads::enqueue(std::function<void()> job) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (stopping_) return;
  jobs_.push_back(std::move(job));
  if (!idle_.empty()) {
    Idle* next = idle_.back();
    idle_.pop_back();
    next->woken = true;
    next->wake.notify_one();
  } else if (threads_.size() < max_threads_) {
    slots_.push_back(std::make_unique<Idle>());
    threads_.emplace_back([this, me = slots_.back().get()] { run(*me); });
  }
  // Otherwise a thread takes it when it finishes its job.
}

void WorkerThreads::run(Idle& me) {
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
    me.wake.wait(lock, [&] { return me.woken; });
  }
}

void WorkerThreads::shutdown() {
  std::vector<std::thread> threads;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
    for (Idle* idle : idle_) {
      idle->woken = true;
      idle->wake.notify_one();
    }
    idle_.clear();
    threads.swap(threads_);
  }
  for (std::thread& t : threads) t.join();
}

std::size_t WorkerThreads::started() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return slots_.size();
}

}  // namespace loyalty::server
