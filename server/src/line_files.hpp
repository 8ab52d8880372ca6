// Files of JSON lines, plain or gzip-compressed: the event files that
// `loyalty generate` writes and `loyalty simulate` reads reach gigabytes
// (a year of 100,000 members is 1.9 GB plain, a tenth of it compressed).
// A name ending in ".gz" is written compressed; reading takes either.
#pragma once

#include <cstdint>
#include <memory>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

namespace loyalty::server {

class LineReader {
 public:
  explicit LineReader(const std::string& path);
  ~LineReader();
  LineReader(const LineReader&) = delete;
  LineReader& operator=(const LineReader&) = delete;

  bool is_open() const { return file_ != nullptr; }
  // The next line without its "\n"; false at the end or on an error (failed()).
  bool next(std::string& line);
  bool failed() const { return failed_; }
  // How far reading has come in the file's own bytes (the compressed ones
  // of a .gz), and the file's size: for progress without reading it twice.
  std::int64_t position() const;
  std::int64_t size() const { return size_; }

 private:
  bool fill();  // the next block into the buffer; false at the end or on an error

  void* file_ = nullptr;  // gzFile
  bool failed_ = false;
  std::int64_t size_ = 0;
  // Read a megabyte at a time and cut at each "\n" (gzgets copied at most
  // 8 KB a call, and each piece was copied again onto the line).
  std::vector<char> buffer_;
  std::size_t begin_ = 0, end_ = 0;  // what is read and not yet returned
};

// Whether a file of this name is written compressed (it ends in ".gz").
bool is_gzip_name(const std::string& path);

// `text` deflated as one whole gzip member (libdeflate's level 1), appended
// to `out`. Members one after another read as one file (zlib's gzread,
// gunzip, Node's zlib), so a file's lines can be compressed on several
// threads at once and written in order.
void append_gzip_member(std::string_view text, std::string& out);

// An ostream onto a file, compressed when its name ends in ".gz" (or, for
// `by_caller`, given compressed: append_gzip_member's, written as they are).
class LineWriter {
 public:
  enum class Compression { by_writer, by_caller };
  explicit LineWriter(const std::string& path, Compression compression = Compression::by_writer);
  ~LineWriter();
  LineWriter(const LineWriter&) = delete;
  LineWriter& operator=(const LineWriter&) = delete;

  bool is_open() const;
  std::ostream& stream();
  // Flushes and closes; false if anything failed to be written.
  bool close();

 private:
  class Buffer;
  std::unique_ptr<Buffer> buffer_;
  std::unique_ptr<std::ostream> stream_;
};

}  // namespace loyalty::server
