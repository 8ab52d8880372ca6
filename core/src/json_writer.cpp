#include "json_writer.hpp"

#include <cassert>
#include <cstdio>

namespace loyalty {

void JsonWriter::before_value() {
  if (after_key_) {
    after_key_ = false;
    return;
  }
  if (stack_.empty()) return;
  if (!stack_.back().first) out_ += ',';
  stack_.back().first = false;
}

JsonWriter& JsonWriter::open(char bracket) {
  before_value();
  out_ += bracket;
  stack_.emplace_back();
  return *this;
}

JsonWriter& JsonWriter::close(char bracket) {
  out_ += bracket;
  stack_.pop_back();
  return *this;
}

JsonWriter& JsonWriter::key(std::string_view k) {
  Frame& frame = stack_.back();
#ifndef NDEBUG
  assert((frame.first || std::string_view(frame.last_key) < k) && "JSON keys must be written sorted");
  frame.last_key = std::string(k);
#endif
  if (!frame.first) out_ += ',';
  frame.first = false;
  write_string(k);
  out_ += ':';
  after_key_ = true;
  return *this;
}

JsonWriter& JsonWriter::value(std::int64_t v) {
  before_value();
  out_ += std::to_string(v);
  return *this;
}

JsonWriter& JsonWriter::value(bool v) {
  before_value();
  out_ += v ? "true" : "false";
  return *this;
}

JsonWriter& JsonWriter::null() {
  before_value();
  out_ += "null";
  return *this;
}

JsonWriter& JsonWriter::raw(std::string_view json) {
  before_value();
  out_ += json;
  return *this;
}

JsonWriter& JsonWriter::value(std::string_view v) {
  before_value();
  write_string(v);
  return *this;
}

// Characters that need no escape are appended in runs, not one by one.
void JsonWriter::write_string(std::string_view v) {
  out_ += '"';
  std::size_t run = 0;
  for (std::size_t i = 0; i < v.size(); ++i) {
    const auto c = static_cast<unsigned char>(v[i]);
    if (c >= 0x20 && c != '"' && c != '\\') continue;  // UTF-8 passes through, validated on input
    out_.append(v.data() + run, i - run);
    run = i + 1;
    switch (c) {
      case '"': out_ += "\\\""; break;
      case '\\': out_ += "\\\\"; break;
      case '\b': out_ += "\\b"; break;
      case '\f': out_ += "\\f"; break;
      case '\n': out_ += "\\n"; break;
      case '\r': out_ += "\\r"; break;
      case '\t': out_ += "\\t"; break;
      default: {
        char buf[8];
        std::snprintf(buf, sizeof buf, "\\u%04x", static_cast<unsigned>(c));
        out_ += buf;
      }
    }
  }
  out_.append(v.data() + run, v.size() - run);
  out_ += '"';
}

}  // namespace loyalty
