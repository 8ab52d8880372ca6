// A streaming JSON writer for the core's hot outputs: no tree, no copies.
// Keys must be written in ascending byte order (checked in debug builds), so
// its output is the same canonical form nlohmann's dump() gives: compact,
// keys sorted. Strings are escaped exactly as dump() escapes them.
//
// The text goes into a buffer the writer sizes itself: appending to a
// std::string a character at a time is a call into the standard library
// per character where functions are not inlined (the size-optimised WASM
// build), and that was most of the cost of a preview's answer there.
#pragma once

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

namespace loyalty {

class JsonWriter {
 public:
  JsonWriter() { out_.resize(1024); }

  JsonWriter& begin_object() { return open('{'); }
  JsonWriter& end_object() { return close('}'); }
  JsonWriter& begin_array() { return open('['); }
  JsonWriter& end_array() { return close(']'); }
  JsonWriter& key(std::string_view k);
  JsonWriter& value(std::int64_t v);
  JsonWriter& value(std::string_view v);
  JsonWriter& value(bool v);
  JsonWriter& null();
  // Already-canonical JSON text, e.g. a nested output written elsewhere.
  JsonWriter& raw(std::string_view json);

  template <typename T>
  JsonWriter& field(std::string_view k, const T& v) {
    key(k);
    return value(v);
  }

  std::string take() {
    out_.resize(size_);
    size_ = 0;
    return std::move(out_);
  }

 private:
  // Room for `n` more bytes at the end; where they go.
  char* room(std::size_t n) {
    if (size_ + n > out_.size()) grow(n);
    return out_.data() + size_;
  }
  void grow(std::size_t n);
  void put(char c) {
    *room(1) = c;
    ++size_;
  }
  void put(std::string_view s) {
    std::memcpy(room(s.size()), s.data(), s.size());
    size_ += s.size();
  }

  JsonWriter& open(char bracket);
  JsonWriter& close(char bracket);
  void before_value();
  void write_string(std::string_view v);

  struct Frame {
    bool first = true;
#ifndef NDEBUG
    std::string last_key;  // only checked in debug builds
#endif
  };
  std::string out_;        // its first size_ bytes are the text so far
  std::size_t size_ = 0;
  std::vector<Frame> stack_;
  bool after_key_ = false;
};

}  // namespace loyalty
