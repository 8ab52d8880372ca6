#include "progress.hpp"

#include <unistd.h>

#include <atomic>
#include <csignal>
#include <cstdio>
#include <iostream>

namespace loyalty::server {

namespace {

std::atomic<bool> stop_requested{false};

extern "C" void ask_to_stop(int) { stop_requested.store(true); }

// "1:05" or "1:02:03".
std::string clock_text(std::int64_t seconds) {
  char text[32];
  if (seconds >= 3600) {
    std::snprintf(text, sizeof text, "%lld:%02lld:%02lld", static_cast<long long>(seconds / 3600),
                  static_cast<long long>(seconds / 60 % 60), static_cast<long long>(seconds % 60));
  } else {
    std::snprintf(text, sizeof text, "%lld:%02lld", static_cast<long long>(seconds / 60), static_cast<long long>(seconds % 60));
  }
  return text;
}

}  // namespace

bool is_terminal(const std::ostream& err) { return &err == &std::cerr && isatty(STDERR_FILENO) == 1; }

Progress::Progress(std::ostream& err, std::string label, std::string noun, std::int64_t total, bool terminal,
                   std::chrono::milliseconds quiet)
    : err_(err),
      label_(std::move(label)),
      noun_(std::move(noun)),
      total_(total),
      terminal_(terminal),
      quiet_(quiet),
      started_(std::chrono::steady_clock::now()),
      drawn_(started_) {
  stop_requested.store(false);
  std::signal(SIGINT, ask_to_stop);
}

Progress::~Progress() {
  finish();
  std::signal(SIGINT, SIG_DFL);
}

bool Progress::stop_asked() { return stop_requested.load(); }

void Progress::step() { advance_to(done_ + 1); }

void Progress::advance_to(std::int64_t done) {
  if (done == done_) return;
  done_ = done;
  const auto now = std::chrono::steady_clock::now();
  if (now - started_ < quiet_) {
    // Quick work shows nothing; a log's tenths passed meanwhile are not owed.
    if (!terminal_ && total_ > 0) {
      while (done_ * 10 >= next_tenth_ * total_) ++next_tenth_;
    }
    return;
  }
  if (terminal_) {
    if (now - drawn_ >= std::chrono::milliseconds(100) || done_ == total_) draw(false);
  } else if (total_ > 0 && done_ * 10 >= next_tenth_ * total_) {
    while (done_ * 10 >= next_tenth_ * total_) ++next_tenth_;
    draw(false);
  }
}

void Progress::finish() {
  if (finished_) return;
  finished_ = true;
  if (terminal_ && shown_) draw(true);
}

void Progress::draw(bool last) {
  shown_ = true;
  drawn_ = std::chrono::steady_clock::now();
  const double seconds = std::chrono::duration<double>(drawn_ - started_).count();
  const double rate = seconds > 0 ? done_ / seconds : 0;
  const std::int64_t percent = total_ > 0 ? done_ * 100 / total_ : 100;
  std::string line = label_ + ": " + std::to_string(done_) + "/" + std::to_string(total_) + " " + noun_ + " (" +
                     std::to_string(percent) + " %), " + std::to_string(static_cast<std::int64_t>(rate)) + " " + noun_ + "/s";
  if (terminal_) {
    const int width = 24;
    const int filled = static_cast<int>(percent * width / 100);
    line = label_ + " [" + std::string(filled, '#') + std::string(width - filled, '.') + "] " + line.substr(label_.size() + 2);
    if (!last && rate > 0 && done_ < total_) line += ", " + clock_text(static_cast<std::int64_t>((total_ - done_) / rate)) + " left";
    err_ << "\r" << line << "\x1b[K" << (last ? "\n" : "") << std::flush;
  } else {
    err_ << line << "\n";
  }
}

}  // namespace loyalty::server
