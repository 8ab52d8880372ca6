// A parsed JSON document the core reads from: every value in two flat
// arrays, strings viewed in the text they came from. Opening a member's
// state or loading a programme allocates a handful of blocks instead of a
// node per value (nlohmann's tree), which was most of the cost of reading.
//
// The rules are parse_json's (json_codec.hpp), and so are its errors. An
// object's members are kept sorted by key, as nlohmann keeps them, so that
// whatever walks them (unknown fields, maps keyed by id) sees one order.
// A document views its text: the text must outlive it.
#pragma once

#include <cstdint>
#include <forward_list>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "loyalty/error.hpp"

namespace loyalty {

struct JsonMember;

class JsonValue {
 public:
  enum class Kind : std::uint8_t { null, boolean, integer, unsigned_integer, fraction, string, array, object };

  Kind kind() const { return kind_; }
  bool is_null() const { return kind_ == Kind::null; }
  bool is_boolean() const { return kind_ == Kind::boolean; }
  bool is_number() const { return is_number_integer() || kind_ == Kind::fraction; }
  bool is_number_integer() const { return kind_ == Kind::integer || kind_ == Kind::unsigned_integer; }
  bool is_number_unsigned() const { return kind_ == Kind::unsigned_integer; }
  bool is_number_float() const { return kind_ == Kind::fraction; }
  bool is_string() const { return kind_ == Kind::string; }
  bool is_array() const { return kind_ == Kind::array; }
  bool is_object() const { return kind_ == Kind::object; }

  bool boolean() const { return int_ != 0; }
  // An integer's value: as nlohmann's get<>, an unsigned one past INT64_MAX wraps.
  std::int64_t int64() const { return int_; }
  std::uint64_t uint64() const { return static_cast<std::uint64_t>(int_); }
  std::string_view str() const { return {chars_, size_}; }

  // Items of an array or members of an object; 0 for anything else.
  std::size_t size() const { return is_array() || is_object() ? size_ : 0; }
  // As nlohmann's: null and empty containers are empty, other values are not.
  bool empty() const { return is_null() || ((is_array() || is_object()) && size_ == 0); }
  const JsonValue& operator[](std::size_t i) const { return items_[i]; }
  // An array's items; nothing for anything else.
  const JsonValue* begin() const { return is_array() ? items_ : nullptr; }
  const JsonValue* end() const { return is_array() ? items_ + size_ : nullptr; }

  // An object's members, sorted by key; the member `key`, or nullptr.
  const JsonMember* members_begin() const { return members_; }
  const JsonMember* members_end() const;
  const JsonValue* find(std::string_view key) const;
  // The index of the member `key` among members_begin()..., or size() when
  // absent. A reader asking for its fields in about the order they are
  // written finds each at once when it starts after the last one found.
  std::size_t find_index(std::string_view key, std::size_t from = 0) const;

  struct Members {
    const JsonMember* first;
    const JsonMember* last;
    const JsonMember* begin() const { return first; }
    const JsonMember* end() const { return last; }
  };
  Members items() const { return {members_begin(), members_end()}; }

 private:
  friend class JsonDocument;
  friend class JsonBuilder;
  Kind kind_ = Kind::null;
  std::uint32_t size_ = 0;
  union {
    std::int64_t int_ = 0;
    const char* chars_;
    const JsonValue* items_;
    const JsonMember* members_;
  };
};

struct JsonMember {
  std::string_view key;
  JsonValue value;
};

inline const JsonMember* JsonValue::members_end() const { return members_ + size(); }

// The order of an object's members: bytes compared as unsigned, as
// std::string's operator< does. Keys of one object mostly differ in their
// first byte, which settles it without a call (compare is one in the module).
inline bool json_key_less(std::string_view a, std::string_view b) {
  if (!a.empty() && !b.empty() && a[0] != b[0]) return static_cast<unsigned char>(a[0]) < static_cast<unsigned char>(b[0]);
  return a < b;
}

class JsonDocument {
 public:
  JsonDocument() = default;
  // Values point into the document's own arrays: moved, never copied.
  JsonDocument(JsonDocument&&) = default;
  JsonDocument& operator=(JsonDocument&&) = default;
  JsonDocument(const JsonDocument&) = delete;
  JsonDocument& operator=(const JsonDocument&) = delete;

  // `text` must outlive the document.
  static Result<JsonDocument> parse(std::string_view text);
  // A document viewing nlohmann's strings: `json` must outlive it.
  static JsonDocument from(const nlohmann::json& json);

  const JsonValue& root() const { return root_; }
  // The document as nlohmann's tree (fractions as 0.0: their value is not read).
  static nlohmann::json to_json(const JsonValue& value);

 private:
  friend class JsonBuilder;
  JsonValue root_;
  std::vector<JsonValue> items_;
  std::vector<JsonMember> members_;
  // Strings whose text differs from their source, where views of them stay
  // put. A list: libstdc++'s deque allocates twice even empty, and again
  // when moved, which a document of one event line paid for.
  std::forward_list<std::string> unescaped_;
};

}  // namespace loyalty
