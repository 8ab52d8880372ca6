// Reading validated values out of parsed JSON while collecting every error
// with its path. Internal to the core's JSON edge.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "loyalty/json_codec.hpp"
#include "loyalty/json_value.hpp"

namespace loyalty::json_reader {

// 1..64 characters of [A-Za-z0-9_.:-]: ids that are safe in paths and logs.
bool is_identifier(std::string_view s);

std::string member_path(const std::string& parent, std::string_view key);
std::string index_path(const std::string& parent, std::size_t index);
// "[index]" appended to `path`.
void append_index(std::string& path, std::size_t index);

// Where a value is, written out only if an error needs it: every value read
// has a path, and errors are rare. Either a whole path or a parent's path
// and a member's key; whatever it points to must outlive it.
class Path {
 public:
  Path(const std::string& whole) : parent_(&whole) {}  // NOLINT: implicit, as the paths it stands for
  Path(const char* whole) : key_(whole) {}             // NOLINT
  Path(const std::string& parent, std::string_view key) : parent_(&parent), key_(key), member_(true) {}

  std::string str() const;

 private:
  const std::string* parent_ = nullptr;
  std::string_view key_;
  bool member_ = false;
};

// Reads one value at a known path; every failure is appended to `errors`.
class ValueReader {
 public:
  explicit ValueReader(Errors& errors) : errors_(errors) {}

  void error(std::string code, std::string message, std::string path);

  std::optional<std::int64_t> integer(const JsonValue& v, const Path& path, std::int64_t min, std::int64_t max);
  // The string as it is in the document (which must outlive the view).
  std::optional<std::string_view> string(const JsonValue& v, const Path& path, std::size_t max_length);
  // 1..64 characters of [A-Za-z0-9_.:-]: ids that are safe in paths and logs.
  std::optional<std::string> identifier(const JsonValue& v, const Path& path);
  std::optional<Rounding> rounding(const JsonValue& v, const Path& path);
  std::optional<LocalizedText> localized_text(const JsonValue& v, const Path& path);
  bool is_array(const JsonValue& v, const Path& path, std::size_t max_items);

  Errors& errors() { return errors_; }

 private:
  Errors& errors_;
};

// Reads the fields of one object; finish() reports the fields nobody asked
// for. Keys asked for must outlive the reader (literals, or the object's own).
class ObjectReader {
 public:
  // A reader is made for every object read, and its path is needed only for
  // an error: a path given as a temporary is kept, one that outlives the
  // reader (a parameter, a local, another reader's path) is referred to.
  ObjectReader(ValueReader& reader, const JsonValue& object, std::string&& path);
  ObjectReader(ValueReader& reader, const JsonValue& object, const std::string& path);
  ObjectReader(const ObjectReader&) = delete;
  ObjectReader& operator=(const ObjectReader&) = delete;

  bool valid() const { return valid_; }
  const std::string& path() const { return *path_; }
  std::string path_of(std::string_view key) const { return member_path(*path_, key); }
  Path at(std::string_view key) const { return Path(*path_, key); }

  // The field's value, or nullptr if absent (reporting "field.missing" when required).
  const JsonValue* field(std::string_view key, bool required);

  std::optional<std::int64_t> integer(std::string_view key, bool required, std::int64_t min,
                                      std::int64_t max);
  // An optional integer field read into `into`, left as it was when absent or invalid.
  void integer_into(std::string_view key, std::int64_t& into, std::int64_t min, std::int64_t max);
  std::optional<std::string> identifier(std::string_view key, bool required);
  // Text of at most 128 bytes (a member's, an order's or a lot's id); with
  // `non_empty`, "" is refused ("value.empty").
  std::optional<std::string_view> short_text(std::string_view key, bool required, bool non_empty = false);
  std::optional<Rounding> rounding(std::string_view key, bool required);
  std::optional<LocalizedText> localized_text(std::string_view key, bool required);
  std::optional<bool> boolean(std::string_view key, bool required);
  // One of a fixed set of words, as its index in `words` ("value.unknown_choice").
  std::optional<std::size_t> choice(std::string_view key, bool required,
                                    std::initializer_list<std::string_view> words);
  // "YYYY-MM-DD" as a day number ("value.invalid_date").
  std::optional<std::int64_t> date(std::string_view key, bool required);

  void finish();

 private:
  ValueReader& reader_;
  const JsonValue& object_;
  std::string kept_path_;
  const std::string* path_;  // kept_path_ or the caller's
  bool valid_;
  // The members asked for and present, by index: finish() looks at no key
  // when every member was asked for.
  std::uint64_t found_first_64_ = 0;
  std::vector<std::size_t> found_more_;  // indexes past 64: as few as the fields asked for
  std::size_t found_count_ = 0;
  std::size_t next_ = 0;  // where the next lookup starts: after the last member found
  void note_found(std::size_t index);
  bool was_found(std::size_t index) const;
};

// Calls read(item, path), or read(item, path, index), for each item of the
// array at `path`: nothing when it is absent (nullptr), an error when it is
// not an array or holds more than `max_items`. The items' paths are written
// into one buffer, reused from item to item.
template <typename Read>
void each_item(ValueReader& reader, const JsonValue* array, const std::string& path, std::size_t max_items, Read read) {
  if (!array || !reader.is_array(*array, path, max_items)) return;
  std::string item = path;
  const std::size_t prefix = item.size();
  for (std::size_t i = 0; i < array->size(); ++i) {
    item.resize(prefix);
    append_index(item, i);
    if constexpr (std::is_invocable_v<Read&, const JsonValue&, const std::string&, std::size_t>) {
      read((*array)[i], static_cast<const std::string&>(item), i);
    } else {
      read((*array)[i], static_cast<const std::string&>(item));
    }
  }
}

}  // namespace loyalty::json_reader
