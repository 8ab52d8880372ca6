// Progress of long CLI work (`loyalty audit` over every member, `loyalty
// replay` over a long file): on a terminal one line redrawn in place, with
// the count, a bar, the rate and the time left; otherwise (a log, a pipe) a
// plain line at each tenth. Nothing is shown for work done within `quiet`.
// Ctrl-C asks the work to stop at the next item: it ends cleanly and says
// how far it got.
#pragma once

#include <chrono>
#include <cstdint>
#include <ostream>
#include <string>

namespace loyalty::server {

class Progress {
 public:
  // `total` items of `noun` ("members"); `terminal`: redraw in place.
  Progress(std::ostream& err, std::string label, std::string noun, std::int64_t total, bool terminal,
           std::chrono::milliseconds quiet = std::chrono::seconds(1));
  ~Progress();
  Progress(const Progress&) = delete;
  Progress& operator=(const Progress&) = delete;

  // One more item done.
  void step();
  // `done` items done in all (a position in a file, say).
  void advance_to(std::int64_t done);
  // The last line (on a terminal, ends the redrawn one).
  void finish();
  // True once Ctrl-C was pressed while this progress was shown.
  static bool stop_asked();

  std::int64_t done() const { return done_; }
  std::int64_t total() const { return total_; }

 private:
  void draw(bool last);

  std::ostream& err_;
  std::string label_;
  std::string noun_;
  std::int64_t total_;
  bool terminal_;
  std::chrono::milliseconds quiet_;
  bool shown_ = false;  // a line drawn (on a terminal: one to end)
  std::int64_t done_ = 0;
  std::int64_t next_tenth_ = 1;
  bool finished_ = false;
  std::chrono::steady_clock::time_point started_;
  std::chrono::steady_clock::time_point drawn_;
};

// Whether `err` is the process's stderr and that is a terminal.
bool is_terminal(const std::ostream& err);

}  // namespace loyalty::server
