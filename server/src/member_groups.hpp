// Group commit, as both stores do it: members' transactions that arrive
// while groups are running wait in a queue, and the first of them leads the
// next group, every transaction queued by then run and committed together.
// Each waiter is woken alone, when its group is done or when it is to lead.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <functional>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "store.hpp"

namespace loyalty::server {

// A member's transaction waiting for, or in, its group.
class QueuedTransaction {
 public:
  QueuedTransaction(const std::string& id, const std::function<void(MemberTransaction&)>& w)
      : member_id(id), work(w) {}
  const std::string& member_id;
  const std::function<void(MemberTransaction&)>& work;
  std::exception_ptr error;  // set by the group's runner: what its caller is told

 private:
  friend class MemberGroups;
  bool done = false;  // its group has committed or failed
  bool lead = false;  // it runs the next group
  std::condition_variable wake;
};

using MemberGroup = std::vector<QueuedTransaction*>;

class MemberGroups {
 public:
  // At most `in_flight` groups run at once.
  explicit MemberGroups(std::size_t in_flight) : in_flight_(in_flight) {}

  // Runs `mine` in a group and rethrows its error. Its leader calls
  // `run(group)`, which never throws (it sets the error of each transaction
  // that failed), then tells the next waiter to lead, then calls
  // `after(group)` (a step the next group need not wait for, such as the
  // flush that makes a commit durable) before waking the group's members.
  template <typename Run, typename After>
  void join(QueuedTransaction& mine, Run&& run, After&& after) {
    std::unique_lock<std::mutex> lock(mutex_);
    queue_.push_back(&mine);
    if (running_ < in_flight_) {
      ++running_;
      mine.lead = true;
    }
    mine.wake.wait(lock, [&] { return mine.done || mine.lead; });
    if (!mine.done) {
      MemberGroup group;
      group.swap(queue_);
      lock.unlock();
      ++groups_;
      transactions_ += group.size();
      const auto started = std::chrono::steady_clock::now();
      run(std::as_const(group));
      busy_ns_ += std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now() - started).count();
      lock.lock();
      if (queue_.empty()) {
        --running_;
      } else {
        queue_.front()->lead = true;
        queue_.front()->wake.notify_one();
      }
      lock.unlock();
      after(std::as_const(group));
      lock.lock();
      for (QueuedTransaction* q : group) {
        q->done = true;
        if (q != &mine) q->wake.notify_one();
      }
    }
    if (mine.error) std::rethrow_exception(mine.error);
  }

  template <typename Run>
  void join(QueuedTransaction& mine, Run&& run) {
    join(mine, std::forward<Run>(run), [](const MemberGroup&) {});
  }

  // The groups run since start and the transactions in them.
  Store::GroupCounts counts() const {
    Store::GroupCounts counts;
    counts.groups = groups_;
    counts.transactions = transactions_;
    counts.busy_ms = static_cast<double>(busy_ns_ / 1000) / 1000;  // to the microsecond
    return counts;
  }

 private:
  const std::size_t in_flight_;
  std::mutex mutex_;
  MemberGroup queue_;        // waiting for the next group
  std::size_t running_ = 0;  // groups running, or whose leaders are told
  std::atomic<std::uint64_t> groups_{0};
  std::atomic<std::uint64_t> transactions_{0};
  std::atomic<std::uint64_t> busy_ns_{0};
};

}  // namespace loyalty::server
