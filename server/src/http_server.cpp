#include "http_server.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <optional>
#include <utility>
#include <string>

namespace loyalty::server {

namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

bool wait_for(int fd, short events, milliseconds timeout) {
  pollfd p{fd, events, 0};
  int ready;
  do {
    ready = poll(&p, 1, static_cast<int>(std::max<milliseconds::rep>(0, timeout.count())));
  } while (ready < 0 && errno == EINTR);
  return ready > 0;
}

void address(const sockaddr_storage& addr, std::string& ip, int& port) {
  char host[INET6_ADDRSTRLEN] = "";
  if (addr.ss_family == AF_INET) {
    const auto* in = reinterpret_cast<const sockaddr_in*>(&addr);
    inet_ntop(AF_INET, &in->sin_addr, host, sizeof host);
    port = ntohs(in->sin_port);
  } else if (addr.ss_family == AF_INET6) {
    const auto* in6 = reinterpret_cast<const sockaddr_in6*>(&addr);
    inet_ntop(AF_INET6, &in6->sin6_addr, host, sizeof host);
    port = ntohs(in6->sin6_port);
  }
  ip = host;
}

// A socket stream like cpp-httplib's own (buffered reads, per-call time-outs)
// whose reads also stop at the current request's deadline.
class DeadlineStream : public httplib::Stream {
  using Address = std::optional<std::pair<std::string, int>>;  // ip and port, once looked up

 public:
  DeadlineStream(int fd, milliseconds read_timeout, milliseconds write_timeout)
      : fd_(fd), read_timeout_(read_timeout), write_timeout_(write_timeout) {}

  void start_request(Clock::time_point deadline) {
    deadline_ = deadline;
    missed_ = false;
  }
  bool missed_deadline() const { return missed_; }

  bool is_readable() const override {
    const auto left = std::chrono::ceil<milliseconds>(deadline_ - Clock::now());
    if (left.count() > 0 && wait_for(fd_, POLLIN, std::min(left, read_timeout_))) return true;
    missed_ = Clock::now() >= deadline_;
    return false;
  }
  bool is_writable() const override { return wait_for(fd_, POLLOUT, write_timeout_); }

  ssize_t read(char* ptr, size_t size) override {
    if (begin_ == end_) {
      // What has arrived is taken at once; only an empty socket is waited for.
      if (Clock::now() >= deadline_) {
        missed_ = true;
        return -1;
      }
      ssize_t n = receive(MSG_DONTWAIT);
      if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
        if (!is_readable()) return -1;
        n = receive(0);
      }
      if (n <= 0) return n;
      begin_ = 0;
      end_ = static_cast<size_t>(n);
    }
    const size_t n = std::min(size, end_ - begin_);
    std::memcpy(ptr, buffer_ + begin_, n);
    begin_ += n;
    return static_cast<ssize_t>(n);
  }

  // Writes are gathered and sent by flush() once the response is made:
  // cpp-httplib writes the headers and the body apart, and two sends are
  // two packets and twice the system calls.
  ssize_t write(const char* ptr, size_t size) override {
    out_.append(ptr, size);
    if (out_.size() >= kFlushAt && !flush()) return -1;
    return static_cast<ssize_t>(size);
  }
  bool flush() {
    size_t sent = 0;
    while (sent < out_.size()) {
      ssize_t n;
      do {
        n = send(fd_, out_.data() + sent, out_.size() - sent, MSG_NOSIGNAL | MSG_DONTWAIT);
      } while (n < 0 && errno == EINTR);
      if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) && is_writable()) continue;  // the peer reads slowly
      if (n <= 0) break;
      sent += static_cast<size_t>(n);
    }
    const bool all = sent == out_.size();
    out_.clear();
    return all;
  }

  // Asked for every request; the same for the whole connection.
  void get_remote_ip_and_port(std::string& ip, int& port) const override { known(peer_, getpeername, ip, port); }
  void get_local_ip_and_port(std::string& ip, int& port) const override { known(local_, getsockname, ip, port); }
  socket_t socket() const override { return fd_; }

  bool buffered() const { return begin_ != end_; }

 private:
  int fd_;
  milliseconds read_timeout_;
  milliseconds write_timeout_;
  Clock::time_point deadline_;
  mutable bool missed_ = false;
  char buffer_[4096];
  size_t begin_ = 0;
  size_t end_ = 0;
  static constexpr size_t kFlushAt = 64 * 1024;
  std::string out_;
  mutable Address peer_;
  mutable Address local_;

  // The address `lookup` (getpeername or getsockname) gives, looked up once.
  void known(Address& address_of, int (*lookup)(int, sockaddr*, socklen_t*), std::string& ip, int& port) const {
    if (!address_of) {
      address_of.emplace();
      sockaddr_storage addr{};
      socklen_t len = sizeof addr;
      if (lookup(fd_, reinterpret_cast<sockaddr*>(&addr), &len) == 0) address(addr, address_of->first, address_of->second);
    }
    ip = address_of->first;
    port = address_of->second;
  }

  ssize_t receive(int flags) {
    ssize_t n;
    do {
      n = recv(fd_, buffer_, sizeof buffer_, flags);
    } while (n < 0 && errno == EINTR);
    return n;
  }
};

milliseconds duration(time_t sec, time_t usec) { return milliseconds(sec * 1000 + usec / 1000); }

}  // namespace

HttpServer::HttpServer(std::size_t workers, std::chrono::milliseconds deadline,
                       std::function<void(const std::string& peer)> on_cut)
    : deadline_(deadline), on_cut_(std::move(on_cut)) {
  new_task_queue = [this, workers] {
    auto* pool = new WorkerPool(workers);
    pool_ = pool;
    return pool;
  };
}

void HttpServer::WorkerPool::enqueue(std::function<void()> fn) {
  ++waiting_;
  pool_.enqueue([this, fn = std::move(fn)] {
    ++busy_;
    --waiting_;
    fn();
    --busy_;
  });
}

HttpServer::WorkerCounts HttpServer::worker_counts() const {
  const WorkerPool* pool = pool_;
  return pool ? pool->counts() : WorkerCounts{};
}

bool HttpServer::wait_for_next_request(socket_t sock, bool first) const {
  constexpr milliseconds kSlice(100);
  // A new connection's request follows its handshake within a round trip,
  // even on a slow phone network, or from a busy client: it is not idle yet.
  constexpr milliseconds kFirstRequestGrace(1000);
  const auto started = Clock::now();
  const auto until = started + std::chrono::seconds(keep_alive_timeout_sec_);
  const auto yields_from = first ? started + std::min(kFirstRequestGrace, deadline_) : started;
  for (;;) {
    const auto left = std::chrono::ceil<milliseconds>(until - Clock::now());
    if (left.count() <= 0) return false;
    if (wait_for(sock, POLLIN, std::min(left, kSlice))) return true;
    const WorkerPool* pool = pool_;
    if (pool && pool->starved() && Clock::now() >= yields_from) return false;
  }
}

void HttpServer::deepen_accept_queue() {
  // listen() again on a listening socket only changes its backlog.
  if (svr_sock_ != INVALID_SOCKET) ::listen(svr_sock_, SOMAXCONN);
}

bool HttpServer::process_and_close_socket(socket_t sock) {
  DeadlineStream stream(sock, duration(read_timeout_sec_, read_timeout_usec_),
                        duration(write_timeout_sec_, write_timeout_usec_));
  bool kept = false;
  for (size_t left = keep_alive_max_count_; left > 0 && svr_sock_ != INVALID_SOCKET; --left) {
    // Between requests: wait for the next one's first byte, up to the keep-alive time-out.
    if (!stream.buffered() && !wait_for_next_request(sock, left == keep_alive_max_count_)) break;
    stream.start_request(std::chrono::steady_clock::now() + deadline_);
    bool closed = false;
    kept = process_request(stream, left == 1, closed, nullptr);
    if (!stream.flush()) kept = false;
    if (stream.missed_deadline()) {
      ++cut_;
      if (on_cut_) {
        std::string ip;
        int port = 0;
        stream.get_remote_ip_and_port(ip, port);
        on_cut_(ip + ":" + std::to_string(port));
      }
      break;
    }
    if (!kept || closed) break;
  }
  shutdown(sock, SHUT_RDWR);
  close(sock);
  return kept;
}

std::vector<std::string> header_items(const std::string& value) {
  std::vector<std::string> items;
  std::size_t from = 0;
  while (from <= value.size()) {
    std::size_t comma = value.find(',', from);
    if (comma == std::string::npos) comma = value.size();
    std::string item = value.substr(from, comma - from);
    item.erase(0, item.find_first_not_of(" \t"));
    item.erase(item.find_last_not_of(" \t") + 1);
    if (!item.empty()) items.push_back(std::move(item));
    from = comma + 1;
  }
  return items;
}

}  // namespace loyalty::server
