// A worker thread serves one connection at a time, and cpp-httplib's
// time-outs are per read: a client that sends its request a byte at a time
// keeps its thread for as long as it likes, and a few hundred such clients
// hold every thread. This server gives each request a deadline: from its
// first byte, the request (headers and body) must be in within `deadline`,
// or the connection is closed. Idle keep-alive connections and silent
// (half-open) ones end after cpp-httplib's keep-alive and read time-outs.
#pragma once

#include <httplib.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <string>

namespace loyalty::server {

class DeadlineServer : public httplib::Server {
 public:
  // `on_cut` is told the peer ("ip:port") of each connection cut (for the log).
  DeadlineServer(std::chrono::milliseconds deadline, std::function<void(const std::string& peer)> on_cut)
      : deadline_(deadline), on_cut_(std::move(on_cut)) {}

  std::uint64_t connections_cut() const { return cut_; }

 private:
  // cpp-httplib's keep-alive loop, with our stream in place of its own.
  bool process_and_close_socket(socket_t sock) override;

  const std::chrono::milliseconds deadline_;
  const std::function<void(const std::string&)> on_cut_;
  std::atomic<std::uint64_t> cut_{0};
};

}  // namespace loyalty::server
