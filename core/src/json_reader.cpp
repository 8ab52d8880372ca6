#include "json_reader.hpp"

#include <algorithm>

namespace loyalty::json_reader {

namespace {
std::string type_name(const JsonValue& v) {
  if (v.is_number_float()) return "a fractional number";
  if (v.is_number()) return "a number";
  if (v.is_string()) return "a string";
  if (v.is_boolean()) return "a boolean";
  if (v.is_null()) return "null";
  if (v.is_array()) return "an array";
  return "an object";
}

bool is_identifier_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
         c == '_' || c == '-' || c == '.' || c == ':';
}
}  // namespace

bool is_identifier(std::string_view s) {
  return !s.empty() && s.size() <= 64 && std::all_of(s.begin(), s.end(), is_identifier_char);
}

// Paths are made for every value read: each with one allocation.
std::string member_path(const std::string& parent, std::string_view key) {
  if (parent.empty()) return std::string(key);
  std::string path;
  path.reserve(parent.size() + 1 + key.size());
  path.append(parent).append(1, '.').append(key);
  return path;
}

void append_index(std::string& path, std::size_t index) {
  char digits[24];
  char* at = digits + sizeof digits;
  *--at = ']';
  do {
    *--at = static_cast<char>('0' + index % 10);
    index /= 10;
  } while (index != 0);
  *--at = '[';
  path.append(at, static_cast<std::size_t>(digits + sizeof digits - at));
}

std::string index_path(const std::string& parent, std::size_t index) {
  std::string path;
  path.reserve(parent.size() + 8);
  path.append(parent);
  append_index(path, index);
  return path;
}

std::string Path::str() const {
  if (!parent_) return std::string(key_);
  return member_ ? member_path(*parent_, key_) : *parent_;
}

void ValueReader::error(std::string code, std::string message, std::string path) {
  errors_.push_back({std::move(code), std::move(message), std::move(path)});
}

std::optional<std::int64_t> ValueReader::integer(const JsonValue& v, const Path& path,
                                                 std::int64_t min, std::int64_t max) {
  // Built only on error: this runs for every number of every request.
  auto range = [&] { return " between " + std::to_string(min) + " and " + std::to_string(max); };
  if (!v.is_number_integer()) {
    error("type.expected_integer", "must be an integer" + range() + ", got " + type_name(v), path.str());
    return std::nullopt;
  }
  const bool too_big_unsigned =
      v.is_number_unsigned() && v.uint64() > static_cast<std::uint64_t>(max);
  if (too_big_unsigned || v.int64() < min || v.int64() > max) {
    const std::string got = v.is_number_unsigned() ? std::to_string(v.uint64()) : std::to_string(v.int64());
    error("value.out_of_range", "must be" + range() + ", got " + got, path.str());
    return std::nullopt;
  }
  return v.int64();
}

std::optional<std::string_view> ValueReader::string(const JsonValue& v, const Path& path,
                                                    std::size_t max_length) {
  if (!v.is_string()) {
    error("type.expected_string", "must be a string, got " + type_name(v), path.str());
    return std::nullopt;
  }
  const std::string_view s = v.str();
  if (s.size() > max_length) {
    error("value.too_long", "must be at most " + std::to_string(max_length) + " bytes", path.str());
    return std::nullopt;
  }
  return s;
}

std::optional<std::string> ValueReader::identifier(const JsonValue& v, const Path& path) {
  auto s = string(v, path, 64);
  if (!s) return std::nullopt;
  if (!is_identifier(*s)) {
    error("value.invalid_id", "must be 1 to 64 characters of A-Z a-z 0-9 _ - . :", path.str());
    return std::nullopt;
  }
  return std::string(*s);
}

std::optional<Rounding> ValueReader::rounding(const JsonValue& v, const Path& path) {
  auto s = string(v, path, 32);
  if (!s) return std::nullopt;
  auto r = rounding_from_name(*s);
  if (!r) error("value.unknown_rounding", "must be floor, ceil, half_up or half_even", path.str());
  return r;
}

std::optional<LocalizedText> ValueReader::localized_text(const JsonValue& v, const Path& path) {
  if (!v.is_object()) {
    error("type.expected_object",
          "must be an object of locale to text, e.g. {\"zh-CN\": \"金卡\", \"en\": \"Gold\"}", path.str());
    return std::nullopt;
  }
  LocalizedText text;
  for (const auto& [locale, value] : v.items()) {
    if (auto s = string(value, member_path(path.str(), locale), 200)) text.emplace(locale, *s);
  }
  return text;
}

bool ValueReader::is_array(const JsonValue& v, const Path& path, std::size_t max_items) {
  if (!v.is_array()) {
    error("type.expected_array", "must be an array, got " + type_name(v), path.str());
    return false;
  }
  if (v.size() > max_items) {
    error("value.too_many", "must hold at most " + std::to_string(max_items) + " items, has " +
                                std::to_string(v.size()),
          path.str());
    return false;
  }
  return true;
}

ObjectReader::ObjectReader(ValueReader& reader, const JsonValue& object, std::string&& path)
    : ObjectReader(reader, object, static_cast<const std::string&>(path)) {
  kept_path_ = std::move(path);
  path_ = &kept_path_;
}

ObjectReader::ObjectReader(ValueReader& reader, const JsonValue& object, const std::string& path)
    : reader_(reader), object_(object), path_(&path), valid_(object.is_object()) {
  if (!valid_) {
    reader_.error("type.expected_object", "must be an object, got " + type_name(object), path);
  }
}

const JsonValue* ObjectReader::field(std::string_view key, bool required) {
  if (!valid_) return nullptr;
  // Once every member has been asked for, the optional fields still asked
  // about are absent: most objects omit their zeros, and are not searched.
  const std::size_t index = found_count_ == object_.size() ? object_.size() : object_.find_index(key, next_);
  if (index == object_.size()) {
    if (required) reader_.error("field.missing", "is required", path_of(key));
    return nullptr;
  }
  note_found(index);
  next_ = index + 1;
  return &object_.members_begin()[index].value;
}

bool ObjectReader::was_found(std::size_t index) const {
  if (index < 64) return (found_first_64_ >> index) & 1u;
  return std::find(found_more_.begin(), found_more_.end(), index) != found_more_.end();
}

void ObjectReader::note_found(std::size_t index) {
  if (was_found(index)) return;
  if (index < 64) {
    found_first_64_ |= std::uint64_t{1} << index;
  } else {
    found_more_.push_back(index);
  }
  ++found_count_;
}

std::optional<std::int64_t> ObjectReader::integer(std::string_view key, bool required,
                                                  std::int64_t min, std::int64_t max) {
  const JsonValue* v = field(key, required);
  return v ? reader_.integer(*v, at(key), min, max) : std::nullopt;
}

void ObjectReader::integer_into(std::string_view key, std::int64_t& into, std::int64_t min, std::int64_t max) {
  if (auto v = integer(key, false, min, max)) into = *v;
}

std::optional<std::string> ObjectReader::identifier(std::string_view key, bool required) {
  const JsonValue* v = field(key, required);
  return v ? reader_.identifier(*v, at(key)) : std::nullopt;
}

std::optional<std::string_view> ObjectReader::short_text(std::string_view key, bool required, bool non_empty) {
  const JsonValue* v = field(key, required);
  auto s = v ? reader_.string(*v, at(key), 128) : std::nullopt;
  if (s && s->empty() && non_empty) reader_.error("value.empty", "must not be empty", path_of(key));
  return s;
}

std::optional<Rounding> ObjectReader::rounding(std::string_view key, bool required) {
  const JsonValue* v = field(key, required);
  return v ? reader_.rounding(*v, at(key)) : std::nullopt;
}

std::optional<LocalizedText> ObjectReader::localized_text(std::string_view key, bool required) {
  const JsonValue* v = field(key, required);
  return v ? reader_.localized_text(*v, at(key)) : std::nullopt;
}

std::optional<bool> ObjectReader::boolean(std::string_view key, bool required) {
  const JsonValue* v = field(key, required);
  if (!v) return std::nullopt;
  if (!v->is_boolean()) {
    reader_.error("type.expected_boolean", "must be true or false, got " + type_name(*v), path_of(key));
    return std::nullopt;
  }
  return v->boolean();
}

std::optional<std::size_t> ObjectReader::choice(std::string_view key, bool required,
                                                std::initializer_list<std::string_view> words) {
  const JsonValue* v = field(key, required);
  if (!v) return std::nullopt;
  auto s = reader_.string(*v, at(key), 64);
  if (!s) return std::nullopt;
  std::size_t i = 0;
  for (std::string_view w : words) {
    if (w == *s) return i;
    ++i;
  }
  std::string listed;  // written only for the error
  for (std::string_view w : words) listed.append(listed.empty() ? "" : ", ").append(w);
  reader_.error("value.unknown_choice", "must be one of " + listed, path_of(key));
  return std::nullopt;
}

std::optional<std::int64_t> ObjectReader::date(std::string_view key, bool required) {
  const JsonValue* v = field(key, required);
  if (!v) return std::nullopt;
  auto s = reader_.string(*v, at(key), 10);
  if (!s) return std::nullopt;
  auto d = parse_iso_date(*s);
  if (!d) {
    reader_.error("value.invalid_date", "must be a date YYYY-MM-DD from 1970 on", path_of(key));
    return std::nullopt;
  }
  return day_number_from_date(*d);
}

void ObjectReader::finish() {
  if (!valid_ || found_count_ == object_.size()) return;
  for (std::size_t i = 0; i < object_.size(); ++i) {
    if (!was_found(i)) reader_.error("field.unknown", "is not a known field", path_of(object_.members_begin()[i].key));
  }
}

}  // namespace loyalty::json_reader
