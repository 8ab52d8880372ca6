#include "json_writer.hpp"

#include <algorithm>
#include <cassert>
#include <cstdint>

namespace loyalty {

JsonWriter::JsonWriter(TapeStrings* strings) : tape_(strings) {
  out_.resize(1024);
  if (tape_) put_le<4>(tape_->size());  // the header: the strings the decoder holds
  if (keeps_frames()) stack_.reserve(8);  // deep enough for every answer: no growing one frame at a time
}

void JsonWriter::grow(std::size_t n) { out_.resize(std::max(out_.size() * 2, size_ + n)); }

void JsonWriter::before_value() {
  if (after_key_) {
    after_key_ = false;
    return;
  }
  if (stack_.empty()) return;
  if (!stack_.back().first) put(',');
  stack_.back().first = false;
}

JsonWriter& JsonWriter::open(char bracket) {
  if (tape_) {
    put(static_cast<char>(bracket == '{' ? tape::begin_object : tape::begin_array));
    assert(shaped_ >> 63 == 0 && "tapes nest shaped objects less than 64 levels deep");
    shaped_ <<= 1;
  } else {
    before_value();
    put(bracket);
  }
  if (keeps_frames()) stack_.emplace_back();
  return *this;
}

JsonWriter& JsonWriter::begin_object(TapeShape shape) {
  if (!tape_) open('{');
  else {
    assert(shaped_ >> 63 == 0 && "tapes nest shaped objects less than 64 levels deep");
    put_tagged<1>(tape::shaped_object, static_cast<std::uint8_t>(shape));
    shaped_ = (shaped_ << 1) | 1;
    if (keeps_frames()) stack_.emplace_back();
  }
#ifndef NDEBUG
  stack_.back().shape = &tape_shape_keys(shape);
#endif
  return *this;
}

JsonWriter& JsonWriter::close(char bracket) {
  put(tape_ ? static_cast<char>(bracket == '}' ? tape::end_object : tape::end_array) : bracket);
  shaped_ >>= 1;
#ifndef NDEBUG
  const Frame& closed = stack_.back();
  assert((!closed.shape || closed.shape_keys == closed.shape->size()) && "a shaped object has every key of its shape");
#endif
  if (keeps_frames()) stack_.pop_back();
  return *this;
}

JsonWriter& JsonWriter::write_key(std::string_view k) {
#ifndef NDEBUG
  Frame& checked = stack_.back();
  assert((!checked.keyed || std::string_view(checked.last_key) < k) && "JSON keys must be written sorted");
  checked.keyed = true;
  checked.last_key = std::string(k);
  if (checked.shape) {
    assert(checked.shape_keys < checked.shape->size() && (*checked.shape)[checked.shape_keys] == k &&
           "a shaped object's keys are its shape's, in order");
    checked.shape_keys += 1;
  }
#endif
  if (tape_) {
    if (!(shaped_ & 1)) tape_string(k);
    return *this;
  }
  Frame& frame = stack_.back();
  if (!frame.first) put(',');
  frame.first = false;
  write_string(k);
  put(':');
  after_key_ = true;
  return *this;
}

JsonWriter& JsonWriter::value(std::int64_t v) {
  if (tape_) {
    if (v >= INT32_MIN && v <= INT32_MAX) put_tagged<4>(tape::int32, static_cast<std::uint64_t>(v));
    else put_tagged<8>(tape::int64, static_cast<std::uint64_t>(v));
    return *this;
  }
  before_value();
  // Digits written backwards from the end of a buffer: printf is a
  // formatting interpreter, and this is every number of every answer.
  char digits[20];
  char* at = digits + sizeof digits;
  // The magnitude as unsigned, so that INT64_MIN has one too.
  std::uint64_t rest = v < 0 ? 0 - static_cast<std::uint64_t>(v) : static_cast<std::uint64_t>(v);
  do {
    *--at = static_cast<char>('0' + rest % 10);
    rest /= 10;
  } while (rest != 0);
  if (v < 0) put('-');
  put(std::string_view(at, static_cast<std::size_t>(digits + sizeof digits - at)));
  return *this;
}

JsonWriter& JsonWriter::value(bool v) {
  if (tape_) {
    put(static_cast<char>(v ? tape::yes : tape::no));
    return *this;
  }
  before_value();
  put(v ? "true" : "false");
  return *this;
}

JsonWriter& JsonWriter::null() {
  if (tape_) {
    put(static_cast<char>(tape::null));
    return *this;
  }
  before_value();
  put("null");
  return *this;
}

JsonWriter& JsonWriter::raw(std::string_view json) {
  if (tape_) {
    put_tagged<4>(tape::json_text, json.size());
    put(json);
    return *this;
  }
  before_value();
  put(json);
  return *this;
}

JsonWriter& JsonWriter::value(std::string_view v) {
  if (tape_) {
    tape_string(v);
    return *this;
  }
  before_value();
  write_string(v);
  return *this;
}

// Characters that need no escape are appended in runs, not one by one.
void JsonWriter::write_string(std::string_view v) {
  put('"');
  std::size_t run = 0;
  for (std::size_t i = 0; i < v.size(); ++i) {
    const auto c = static_cast<unsigned char>(v[i]);
    if (c >= 0x20 && c != '"' && c != '\\') continue;  // UTF-8 passes through, validated on input
    put(v.substr(run, i - run));
    run = i + 1;
    switch (c) {
      case '"': put("\\\""); break;
      case '\\': put("\\\\"); break;
      case '\b': put("\\b"); break;
      case '\f': put("\\f"); break;
      case '\n': put("\\n"); break;
      case '\r': put("\\r"); break;
      case '\t': put("\\t"); break;
      default: {
        const char* hex = "0123456789abcdef";
        const char escaped[6] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 0xf]};
        put(std::string_view(escaped, sizeof escaped));
      }
    }
  }
  put(v.substr(run));
  put('"');
}

}  // namespace loyalty
