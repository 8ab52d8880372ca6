// Reading validated values out of parsed JSON while collecting every error
// with its path. Internal to the core's JSON edge.
#pragma once

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <string_view>

#include "loyalty/json_codec.hpp"

namespace loyalty::json_reader {

std::string member_path(const std::string& parent, std::string_view key);
std::string index_path(const std::string& parent, std::size_t index);

// Reads one value at a known path; every failure is appended to `errors`.
class ValueReader {
 public:
  explicit ValueReader(Errors& errors) : errors_(errors) {}

  void error(std::string code, std::string message, std::string path);

  std::optional<std::int64_t> integer(const Json& v, const std::string& path, std::int64_t min,
                                      std::int64_t max);
  std::optional<std::string> string(const Json& v, const std::string& path,
                                    std::size_t max_length);
  // 1..64 characters of [A-Za-z0-9_.:-]: ids that are safe in paths and logs.
  std::optional<std::string> identifier(const Json& v, const std::string& path);
  std::optional<Rounding> rounding(const Json& v, const std::string& path);
  std::optional<LocalizedText> localized_text(const Json& v, const std::string& path);
  bool is_array(const Json& v, const std::string& path, std::size_t max_items);

  Errors& errors() { return errors_; }

 private:
  Errors& errors_;
};

// Reads the fields of one object; finish() reports the fields nobody asked for.
class ObjectReader {
 public:
  ObjectReader(ValueReader& reader, const Json& object, std::string path);

  bool valid() const { return valid_; }
  const std::string& path() const { return path_; }
  std::string path_of(std::string_view key) const { return member_path(path_, key); }

  // The field's value, or nullptr if absent (reporting "field.missing" when required).
  const Json* field(std::string_view key, bool required);

  std::optional<std::int64_t> integer(std::string_view key, bool required, std::int64_t min,
                                      std::int64_t max);
  // An optional integer field read into `into`, left as it was when absent or invalid.
  void integer_into(std::string_view key, std::int64_t& into, std::int64_t min, std::int64_t max);
  std::optional<std::string> identifier(std::string_view key, bool required);
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
  const Json& object_;
  std::string path_;
  bool valid_;
  std::set<std::string, std::less<>> read_;
};

}  // namespace loyalty::json_reader
