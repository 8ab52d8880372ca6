// cpp-httplib's server with two things a public server needs that Debian's
// build (0.11) lacks:
// - A deadline per request. A worker thread serves one connection at a time,
//   and cpp-httplib's time-outs are per read: a client that sends its request
//   a byte at a time keeps its thread for as long as it likes, and a few
//   hundred such clients hold every thread. Here, from its first byte, a
//   request (headers and body) must be in within `deadline`, or the
//   connection is closed. Idle keep-alive connections and silent (half-open)
//   ones end after cpp-httplib's keep-alive and read time-outs.
// - A deep accept queue. Its backlog of 5 drops the SYNs of a burst of new
//   connections, and each dropped one waits a second for the retransmission.
// - Idle keep-alive connections that give their worker up when connections
//   wait for one. A worker serves one connection at a time, and would wait
//   out the keep-alive time-out on an idle one: after a burst, with many
//   idle connections, every worker waits and the server serves almost
//   nothing, and never recovers while clients keep opening connections.
#pragma once

#include <httplib.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "worker_threads.hpp"

namespace loyalty::server {

// The media type of every JSON answer. With its charset named, cpp-httplib
// 0.11 sends it as it is: it would otherwise compress it with brotli at
// quality 11 for any client that accepts br (browsers, fetch), measured at
// 8.7 ms for the 3.6 KB programme instead of 0.4 ms, and 1.3 ms for a
// 390-byte sync answer.
inline constexpr const char* kJsonType = "application/json; charset=utf-8";

// The items of a comma-separated header ("br;q=0, gzip"), trimmed, empty ones left out.
std::vector<std::string> header_items(const std::string& value);

class HttpServer : public httplib::Server {
 public:
  // `on_cut` is told the peer ("ip:port") of each connection cut (for the log).
  HttpServer(std::size_t workers, std::chrono::milliseconds deadline,
             std::function<void(const std::string& peer)> on_cut);

  std::uint64_t connections_cut() const { return cut_; }

  // The worker threads now: what an engineer on call reads to tell a spike
  // (threads up to the maximum, connections queued) from a slow store
  // (every thread busy, few requests done).
  struct WorkerCounts {
    std::size_t threads = 0;  // running: started as connections needed them, ended after idling
    std::size_t busy = 0;     // serving a connection
    std::size_t queued = 0;   // connections waiting for a thread
    std::size_t max = 0;
  };
  // Zeros before listen() has made the workers.
  WorkerCounts worker_counts() const;

  // After bind_to_port / bind_to_any_port: lets the kernel queue SOMAXCONN connections.
  void deepen_accept_queue();

 private:
  // The worker threads (worker_threads.hpp), counting the connections queued
  // and the workers busy.
  class WorkerPool : public httplib::TaskQueue {
   public:
    explicit WorkerPool(std::size_t workers) : workers_(workers), pool_(workers) {}
    void enqueue(std::function<void()> fn) override;
    void shutdown() override { pool_.shutdown(); }
    // More connections queued than idle workers to take them: some wait for
    // a worker. A connection queued while a worker is idle is only on its
    // way to it, and is no reason to close a kept one.
    bool starved() const { return waiting_ + busy_ > workers_; }
    WorkerCounts counts() const { return {pool_.running(), busy_, waiting_, workers_}; }

   private:
    const std::size_t workers_;
    std::atomic<std::size_t> waiting_{0};
    std::atomic<std::size_t> busy_{0};
    WorkerThreads pool_;
  };

  // cpp-httplib's keep-alive loop, with our stream in place of its own.
  bool process_and_close_socket(socket_t sock) override;
  // The next request's first byte, within the keep-alive time-out; false at
  // once when other connections wait for a worker (for a new connection's
  // `first` request, after a grace of a second).
  bool wait_for_next_request(socket_t sock, bool first) const;

  std::atomic<WorkerPool*> pool_{nullptr};  // made by listen(), which owns it

  const std::chrono::milliseconds deadline_;
  const std::function<void(const std::string&)> on_cut_;
  std::atomic<std::uint64_t> cut_{0};
};

}  // namespace loyalty::server
