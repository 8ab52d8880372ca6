// A streaming JSON writer for the core's hot outputs: no tree, no copies.
// Keys must be written in ascending byte order (checked in debug builds), so
// its output is the same canonical form nlohmann's dump() gives: compact,
// keys sorted. Strings are escaped exactly as dump() escapes them.
//
// The text goes into a buffer the writer sizes itself: appending to a
// std::string a character at a time is a call into the standard library
// per character where functions are not inlined (the size-optimised WASM
// build), and that was most of the cost of a preview's answer there.
//
// Given a host's TapeStrings, the same calls write a tape instead
// (loyalty/answer_tape.hpp): the JS API's answers, read without JSON.parse.
#pragma once

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "loyalty/answer_tape.hpp"

namespace loyalty {

class JsonWriter {
 public:
  // JSON; or, given `strings`, a tape for the decoder that holds them.
  explicit JsonWriter(TapeStrings* strings = nullptr);

  JsonWriter& begin_object() { return open('{'); }
  // An object with exactly the shape's keys, written in its order: in a tape,
  // its values only (answer_tape.hpp); in JSON, as any object.
  JsonWriter& begin_object(TapeShape shape);
  JsonWriter& end_object() { return close('}'); }
  JsonWriter& begin_array() { return open('['); }
  JsonWriter& end_array() { return close(']'); }
  JsonWriter& key(std::string_view k) {
#ifdef NDEBUG
    // A shaped object's keys are the reader's already: nothing is written,
    // and inline here that costs one test (debug builds check each key).
    if (shaped_ & 1) return *this;
#endif
    return write_key(k);
  }
  JsonWriter& value(std::int64_t v);
  JsonWriter& value(std::string_view v);
  JsonWriter& value(bool v);
  JsonWriter& null();
  // Already-canonical JSON text, e.g. a nested output written elsewhere
  // (JSON text in a tape too).
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
  // The byte helpers below and the tape's string lookup are always inlined:
  // -Os left room() and put_tagged() as calls, and inlining them all into
  // key() and value() made a preview's tape ~9 % faster in the module for
  // +0.6 KB of .wasm.br (bench/RESULTS.md, 2026-12-04). They are private, so
  // they grow only json_writer.cpp.
  // Room for `n` more bytes at the end; where they go.
  [[gnu::always_inline]] char* room(std::size_t n) {
    if (size_ + n > out_.size()) grow(n);
    return out_.data() + size_;
  }
  void grow(std::size_t n);
  [[gnu::always_inline]] void put(char c) {
    *room(1) = c;
    ++size_;
  }
  [[gnu::always_inline]] void put(std::string_view s) {
    std::memcpy(room(s.size()), s.data(), s.size());
    size_ += s.size();
  }

  // A number's low `Bytes` bytes, little-endian, as a tape holds them.
  template <std::size_t Bytes>
  [[gnu::always_inline]] static void write_le(char* at, std::uint64_t number) {
    for (std::size_t b = 0; b < Bytes; ++b) at[b] = static_cast<char>((number >> (8 * b)) & 0xff);
  }
  template <std::size_t Bytes>
  [[gnu::always_inline]] void put_le(std::uint64_t number) {
    write_le<Bytes>(room(Bytes), number);
    size_ += Bytes;
  }
  // A tag and its number, with one check for room: a tape is mostly these.
  template <std::size_t Bytes>
  [[gnu::always_inline]] void put_tagged(char tag, std::uint64_t number) {
    char* at = room(1 + Bytes);
    at[0] = tag;
    write_le<Bytes>(at + 1, number);
    size_ += 1 + Bytes;
  }
  [[gnu::always_inline]] void tape_string(std::string_view v) {
    TapeStrings::Found found;
    if (!tape_->find(v, found)) {
      put_tagged<4>(tape::string, v.size());
      put(v);
    } else if (found.added) {
      put_tagged<2>(tape::string_def, v.size());
      put(v);
    } else {
      put_tagged<2>(tape::string_ref, found.index);
    }
  }

  JsonWriter& write_key(std::string_view k);
  JsonWriter& open(char bracket);
  JsonWriter& close(char bracket);
  void before_value();
  void write_string(std::string_view v);

  struct Frame {
    bool first = true;
#ifndef NDEBUG
    bool keyed = false;    // only checked in debug builds
    std::string last_key;
    const std::vector<std::string_view>* shape = nullptr;  // its keys, when it has a shape
    std::size_t shape_keys = 0;                            // how many of them are written
#endif
  };
  // Text needs a frame per object or array open, for its commas; a tape has
  // none and keeps them only where debug builds check the keys' order.
  bool keeps_frames() const {
#ifndef NDEBUG
    return true;
#else
    return tape_ == nullptr;
#endif
  }
  std::string out_;        // its first size_ bytes are the text so far
  std::size_t size_ = 0;
  std::vector<Frame> stack_;
  bool after_key_ = false;
  TapeStrings* tape_ = nullptr;  // writing a tape for these strings' decoder
  // In a tape, a bit an open object or array, the innermost lowest: set for
  // a shaped object, whose keys are not written. Answers nest a few levels.
  std::uint64_t shaped_ = 0;
};

}  // namespace loyalty
