// A streaming JSON writer for the core's hot outputs: no tree, no copies.
// Keys must be written in ascending byte order (checked in debug builds), so
// its output is the same canonical form nlohmann's dump() gives: compact,
// keys sorted. Strings are escaped exactly as dump() escapes them.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace loyalty {

class JsonWriter {
 public:
  JsonWriter() { out_.reserve(1024); }

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

  std::string take() { return std::move(out_); }

 private:
  JsonWriter& open(char bracket);
  JsonWriter& close(char bracket);
  void before_value();
  void write_string(std::string_view v);

  struct Frame {
    bool first = true;
    std::string last_key;  // only checked in debug builds
  };
  std::string out_;
  std::vector<Frame> stack_;
  bool after_key_ = false;
};

}  // namespace loyalty
