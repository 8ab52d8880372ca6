#include "line_files.hpp"

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <new>
#include <stdexcept>
#include <streambuf>
#include <vector>

#include <libdeflate.h>
#include <zlib.h>

namespace loyalty::server {

bool is_gzip_name(const std::string& path) { return path.size() > 3 && path.compare(path.size() - 3, 3, ".gz") == 0; }

LineReader::LineReader(const std::string& path) : buffer_(1 << 20) {
  // zlib reads a file that is not compressed as it is.
  file_ = gzopen(path.c_str(), "rb");
  if (file_) gzbuffer(static_cast<gzFile>(file_), 1 << 17);
  std::error_code error;
  const auto size = std::filesystem::file_size(path, error);
  if (!error) size_ = static_cast<std::int64_t>(size);
}

LineReader::~LineReader() {
  if (file_) gzclose(static_cast<gzFile>(file_));
}

bool LineReader::fill() {
  const int n = gzread(static_cast<gzFile>(file_), buffer_.data(), static_cast<unsigned>(buffer_.size()));
  if (n > 0) {
    begin_ = 0;
    end_ = static_cast<std::size_t>(n);
    return true;
  }
  // Z_BUF_ERROR: a compressed file that ends mid-stream (cut off).
  int error = Z_OK;
  gzerror(static_cast<gzFile>(file_), &error);
  failed_ = n < 0 || error != Z_OK;
  return false;
}

bool LineReader::next(std::string& line) {
  line.clear();
  if (!file_ || failed_) return false;
  for (;;) {
    const char* start = buffer_.data() + begin_;
    const auto* newline = static_cast<const char*>(std::memchr(start, '\n', end_ - begin_));
    if (newline) {
      line.append(start, newline);
      begin_ = static_cast<std::size_t>(newline - buffer_.data()) + 1;
      return true;
    }
    line.append(start, end_ - begin_);
    begin_ = end_ = 0;
    if (!fill()) return !failed_ && !line.empty();
  }
}

std::int64_t LineReader::position() const {
  const auto offset = file_ ? gzoffset(static_cast<gzFile>(file_)) : 0;
  return offset < 0 ? 0 : std::min<std::int64_t>(offset, size_);
}

// A streambuf that writes through zlib ("T": as it is, for a plain name).
// Level 1: event lines are repetitive enough that it keeps files within a
// fifth of level 6's size, at half its CPU (an export or a generated history
// is written to be read by the next step, not to be archived).
class LineWriter::Buffer : public std::streambuf {
 public:
  Buffer(const std::string& path, bool compress) : file_(gzopen(path.c_str(), compress ? "wb1" : "wbT")), out_(1 << 17) {
    setp(out_.data(), out_.data() + out_.size());
  }
  ~Buffer() override { close(); }
  bool is_open() const { return file_ != nullptr; }
  bool close() {
    if (!file_) return !failed_;
    failed_ |= !drain();
    failed_ |= gzclose(file_) != Z_OK;
    file_ = nullptr;
    return !failed_;
  }

 protected:
  int overflow(int c) override {
    if (!drain()) return traits_type::eof();
    if (c != traits_type::eof()) {
      *pptr() = static_cast<char>(c);
      pbump(1);
    }
    return traits_type::not_eof(c);
  }
  int sync() override { return drain() ? 0 : -1; }

 private:
  bool drain() {
    const auto n = static_cast<unsigned>(pptr() - pbase());
    if (n > 0 && (!file_ || gzwrite(file_, pbase(), n) != static_cast<int>(n))) failed_ = true;
    setp(out_.data(), out_.data() + out_.size());
    return !failed_;
  }

  gzFile file_;
  std::vector<char> out_;
  bool failed_ = false;
};

LineWriter::LineWriter(const std::string& path, Compression compression)
    : buffer_(std::make_unique<Buffer>(path, compression == Compression::by_writer && is_gzip_name(path))),
      stream_(std::make_unique<std::ostream>(buffer_.get())) {}

void append_gzip_member(std::string_view text, std::string& out) {
  // A compressor holds its tables (~0.3 MB) and serves one thread at a time:
  // one a thread, kept for the runs that thread compresses after.
  struct Compressor {
    libdeflate_compressor* c = libdeflate_alloc_compressor(1);
    ~Compressor() { libdeflate_free_compressor(c); }
  };
  thread_local const Compressor compressor;
  if (!compressor.c) throw std::bad_alloc();
  const std::size_t start = out.size();
  out.resize(start + libdeflate_gzip_compress_bound(compressor.c, text.size()));
  const std::size_t written = libdeflate_gzip_compress(compressor.c, text.data(), text.size(), &out[start], out.size() - start);
  if (written == 0) throw std::runtime_error("gzip: a member did not fit its bound");
  out.resize(start + written);
}

LineWriter::~LineWriter() = default;

bool LineWriter::is_open() const { return buffer_->is_open(); }

std::ostream& LineWriter::stream() { return *stream_; }

bool LineWriter::close() {
  stream_->flush();
  return buffer_->close() && !stream_->fail();
}

}  // namespace loyalty::server
