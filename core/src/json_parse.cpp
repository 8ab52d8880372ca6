// JsonDocument::parse: a reader of our own building the core's flat
// document (loyalty/json_value.hpp); parse_json gives the same document as
// nlohmann's tree. A parse error is a value (never an exception, which
// would abort in WASM); duplicate keys and excessive nesting are refused
// while reading.
//
// It takes what nlohmann's parser takes, and gives the same values: a
// leading byte order mark is skipped; strings are valid UTF-8 (RFC 3629)
// with JSON's escapes; integers are unsigned when written without a minus
// and fit 64 bits, signed when negative and fit, floating point otherwise
// (tests/core/json_parse_test.cpp holds the two side by side). Two
// differences: it does not stop at a NUL byte (text after the document is
// refused whatever it is), and a fraction's value is not read (every reader
// refuses fractions; the core computes no floating point). Written for the
// module's sake: nlohmann's parser and lexer were ~10 KB of its code and,
// built for size, several times slower.
#include <algorithm>
#include <cstdint>
#include <cstring>
#include <string>
#include <set>

#include "loyalty/json_codec.hpp"
#include "loyalty/json_value.hpp"

namespace loyalty {

class JsonBuilder {
 public:
  JsonBuilder(std::string_view text, JsonDocument& doc)
      : p_(text.data()), begin_(text.data()), end_(text.data() + text.size()), doc_(doc) {}

  std::optional<Error> document() {
    if (end_ - p_ >= 3 && static_cast<unsigned char>(p_[0]) == 0xef && static_cast<unsigned char>(p_[1]) == 0xbb &&
        static_cast<unsigned char>(p_[2]) == 0xbf) {
      p_ += 3;
    }
    if (value(doc_.root_, 0)) {
      skip_space();
      if (p_ != end_) fail("json.syntax", "unexpected text after the document");
    }
    if (!error_) link(doc_);
    return error_;
  }

  // Containers hold the index of their first item or member while the
  // arrays grow; once they are whole, pointers.
  static void link(JsonDocument& doc) {
    auto point = [&](JsonValue& v) {
      if (v.kind_ == JsonValue::Kind::array) v.items_ = doc.items_.data() + v.int_;
      if (v.kind_ == JsonValue::Kind::object) v.members_ = doc.members_.data() + v.int_;
    };
    point(doc.root_);
    for (JsonValue& v : doc.items_) point(v);
    for (JsonMember& m : doc.members_) point(m.value);
  }

  static JsonValue of_kind(JsonValue::Kind kind) {
    JsonValue v;
    v.kind_ = kind;
    return v;
  }
  static JsonValue integer(std::int64_t i, JsonValue::Kind kind) {
    JsonValue v = of_kind(kind);
    v.int_ = i;
    return v;
  }
  static JsonValue text(std::string_view s) {
    JsonValue v = of_kind(JsonValue::Kind::string);
    v.chars_ = s.data();
    v.size_ = static_cast<std::uint32_t>(s.size());
    return v;
  }
  // Items or members [first, first + size) of the document's arrays.
  static JsonValue container(JsonValue::Kind kind, std::size_t first, std::size_t size) {
    JsonValue v = integer(static_cast<std::int64_t>(first), kind);
    v.size_ = static_cast<std::uint32_t>(size);
    return v;
  }

 private:
  [[gnu::cold]] [[gnu::noinline]] bool fail(const char* code, std::string message) {
    if (!error_) {
      error_ = Error{code, std::move(message) + " (byte " + std::to_string(p_ - begin_) + ")", ""};
    }
    return false;
  }
  bool syntax(const char* what) { return fail("json.syntax", what); }

  [[gnu::always_inline]] void skip_space() {
    // Compact text (the core's own) has none: one test settles it.
    if (p_ != end_ && static_cast<unsigned char>(*p_) > ' ') return;
    while (p_ != end_ && (*p_ == ' ' || *p_ == '\n' || *p_ == '\r' || *p_ == '\t')) ++p_;
  }

  bool literal(const char* word, std::size_t size) {
    if (static_cast<std::size_t>(end_ - p_) < size || std::string_view(p_, size) != std::string_view(word, size)) {
      return syntax("invalid literal");
    }
    p_ += size;
    return true;
  }

  bool value(JsonValue& out, std::size_t depth) {
    skip_space();
    if (p_ == end_) return syntax("unexpected end of input; expected a value");
    switch (*p_) {
      case '{': return object(out, depth);
      case '[': return array(out, depth);
      case '"': {
        std::string_view s;
        if (!string(s)) return false;
        out = text(s);
        return true;
      }
      case 't':
        out = integer(1, JsonValue::Kind::boolean);
        return literal("true", 4);
      case 'f':
        out = integer(0, JsonValue::Kind::boolean);
        return literal("false", 5);
      case 'n':
        out = of_kind(JsonValue::Kind::null);
        return literal("null", 4);
      default: return number(out);
    }
  }

  bool open(std::size_t depth) {
    if (depth >= kMaxJsonDepth) {
      return fail("json.too_deep", "nesting deeper than " + std::to_string(kMaxJsonDepth) + " levels");
    }
    ++p_;
    skip_space();
    return true;
  }

  // Whether `key` is already among the members [start, end) of the object
  // being read. Written by the core (and by nlohmann's dump), keys come
  // sorted: one comparison with the greatest so far settles most; large
  // unsorted objects get a set (a tree: the module has a tree's code
  // already, a hash table's would be new).
  struct Keys {
    std::string_view greatest;
    bool sorted = true;
    std::set<std::string_view> set;
  };
  bool seen(Keys& keys, std::size_t start, std::string_view key) {
    const std::size_t count = members_.size() - start;
    if (count == 0 || json_key_less(keys.greatest, key)) {
      keys.greatest = key;
      if (!keys.set.empty()) keys.set.insert(key);
      return false;
    }
    keys.sorted = false;
    if (count < 16) {
      return std::any_of(members_.begin() + static_cast<std::ptrdiff_t>(start), members_.end(),
                         [&](const JsonMember& m) { return m.key == key; });
    }
    if (keys.set.empty()) {
      for (auto m = members_.begin() + static_cast<std::ptrdiff_t>(start); m != members_.end(); ++m) keys.set.insert(m->key);
    }
    return !keys.set.insert(key).second;
  }

  bool object(JsonValue& out, std::size_t depth) {
    if (!open(depth)) return false;
    const std::size_t start = members_.size();
    if (p_ != end_ && *p_ == '}') {
      ++p_;
      out = container(JsonValue::Kind::object, doc_.members_.size(), 0);
      return true;
    }
    Keys keys;
    for (;;) {
      skip_space();
      if (p_ == end_ || *p_ != '"') return syntax("expected a key in quotes");
      std::string_view key;
      if (!string(key)) return false;
      skip_space();
      if (p_ == end_ || *p_ != ':') return syntax("expected ':' after a key");
      ++p_;
      if (seen(keys, start, key)) return fail("json.duplicate_key", "duplicate key \"" + std::string(key) + "\"");
      JsonMember member{key, {}};
      if (!value(member.value, depth + 1)) return false;
      members_.push_back(member);
      skip_space();
      if (p_ != end_ && *p_ == ',') {
        ++p_;
        continue;
      }
      if (p_ != end_ && *p_ == '}') {
        ++p_;
        const auto first = members_.begin() + static_cast<std::ptrdiff_t>(start);
        if (!keys.sorted) {
          std::sort(first, members_.end(), [](const JsonMember& a, const JsonMember& b) { return json_key_less(a.key, b.key); });
        }
        out = container(JsonValue::Kind::object, doc_.members_.size(), members_.size() - start);
        doc_.members_.insert(doc_.members_.end(), first, members_.end());
        members_.resize(start);
        return true;
      }
      return syntax("expected ',' or '}' in an object");
    }
  }

  bool array(JsonValue& out, std::size_t depth) {
    if (!open(depth)) return false;
    const std::size_t start = items_.size();
    if (p_ != end_ && *p_ == ']') {
      ++p_;
      out = container(JsonValue::Kind::array, doc_.items_.size(), 0);
      return true;
    }
    for (;;) {
      JsonValue item;
      if (!value(item, depth + 1)) return false;
      items_.push_back(item);
      skip_space();
      if (p_ != end_ && *p_ == ',') {
        ++p_;
        continue;
      }
      if (p_ != end_ && *p_ == ']') {
        ++p_;
        const auto first = items_.begin() + static_cast<std::ptrdiff_t>(start);
        out = container(JsonValue::Kind::array, doc_.items_.size(), items_.size() - start);
        doc_.items_.insert(doc_.items_.end(), first, items_.end());
        items_.resize(start);
        return true;
      }
      return syntax("expected ',' or ']' in an array");
    }
  }

  static int hex(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  }

  // Four hex digits after "\u"; -1 if they are not.
  long unit() {
    if (end_ - p_ < 4) return -1;
    long u = 0;
    for (int i = 0; i < 4; ++i) {
      const int h = hex(p_[i]);
      if (h < 0) return -1;
      u = u * 16 + h;
    }
    p_ += 4;
    return u;
  }

  static void put_utf8(std::string& out, unsigned long cp) {
    if (cp < 0x80) {
      out += static_cast<char>(cp);
    } else if (cp < 0x800) {
      out += static_cast<char>(0xc0 | (cp >> 6));
      out += static_cast<char>(0x80 | (cp & 0x3f));
    } else if (cp < 0x10000) {
      out += static_cast<char>(0xe0 | (cp >> 12));
      out += static_cast<char>(0x80 | ((cp >> 6) & 0x3f));
      out += static_cast<char>(0x80 | (cp & 0x3f));
    } else {
      out += static_cast<char>(0xf0 | (cp >> 18));
      out += static_cast<char>(0x80 | ((cp >> 12) & 0x3f));
      out += static_cast<char>(0x80 | ((cp >> 6) & 0x3f));
      out += static_cast<char>(0x80 | (cp & 0x3f));
    }
  }

  bool escape(std::string& out) {
    ++p_;  // the backslash
    if (p_ == end_) return syntax("unexpected end of input in a string");
    const char c = *p_++;
    switch (c) {
      case '"': out += '"'; return true;
      case '\\': out += '\\'; return true;
      case '/': out += '/'; return true;
      case 'b': out += '\b'; return true;
      case 'f': out += '\f'; return true;
      case 'n': out += '\n'; return true;
      case 'r': out += '\r'; return true;
      case 't': out += '\t'; return true;
      case 'u': break;
      default: return syntax("invalid escape in a string");
    }
    const long u = unit();
    if (u < 0) return syntax("'\\u' must be followed by 4 hex digits");
    if (u >= 0xdc00 && u <= 0xdfff) return syntax("a low surrogate '\\u' without a high one before it");
    if (u < 0xd800 || u > 0xdbff) {
      put_utf8(out, static_cast<unsigned long>(u));
      return true;
    }
    if (end_ - p_ < 2 || p_[0] != '\\' || p_[1] != 'u') return syntax("a high surrogate '\\u' without a low one after it");
    p_ += 2;
    const long low = unit();
    if (low < 0xdc00 || low > 0xdfff) return syntax("a high surrogate '\\u' without a low one after it");
    put_utf8(out, 0x10000 + ((static_cast<unsigned long>(u) - 0xd800) << 10) + (static_cast<unsigned long>(low) - 0xdc00));
    return true;
  }

  // One UTF-8 sequence of two to four bytes, as RFC 3629 allows them (no
  // overlong forms, no surrogates, nothing past U+10FFFF).
  bool utf8() {
    const auto b = [&](std::ptrdiff_t i) { return static_cast<unsigned char>(p_[i]); };
    const unsigned char lead = b(0);
    int size = 0;
    unsigned char lo = 0x80, hi = 0xbf;  // the range of the second byte
    if (lead >= 0xc2 && lead <= 0xdf) {
      size = 2;
    } else if (lead >= 0xe0 && lead <= 0xef) {
      size = 3;
      if (lead == 0xe0) lo = 0xa0;
      if (lead == 0xed) hi = 0x9f;
    } else if (lead >= 0xf0 && lead <= 0xf4) {
      size = 4;
      if (lead == 0xf0) lo = 0x90;
      if (lead == 0xf4) hi = 0x8f;
    } else {
      return syntax("invalid UTF-8 in a string");
    }
    if (end_ - p_ < size || b(1) < lo || b(1) > hi) return syntax("invalid UTF-8 in a string");
    for (int i = 2; i < size; ++i) {
      if (b(i) < 0x80 || b(i) > 0xbf) return syntax("invalid UTF-8 in a string");
    }
    p_ += size;
    return true;
  }

  // Moves past the bytes of a string that need no attention: not '"', '\\',
  // a control character or a UTF-8 sequence. Eight at a time while eight
  // are left (a byte-wise test on a 64-bit word; both x86 and WASM are
  // little-endian, so the lowest flagged byte is the first).
  [[gnu::always_inline]] void skip_plain() {
    constexpr std::uint64_t ones = 0x0101010101010101u, highs = 0x8080808080808080u;
    const auto zero_byte = [&](std::uint64_t w) { return (w - ones) & ~w & highs; };
    while (end_ - p_ >= 8) {
      std::uint64_t w;
      std::memcpy(&w, p_, 8);
      const std::uint64_t flagged =
          zero_byte(w ^ (ones * '"')) | zero_byte(w ^ (ones * '\\')) | ((w - ones * 0x20) & ~w & highs) | (w & highs);
      if (flagged != 0) {
        p_ += __builtin_ctzll(flagged) / 8;
        return;
      }
      p_ += 8;
    }
    while (p_ != end_) {
      const auto c = static_cast<unsigned char>(*p_);
      if (c == '"' || c == '\\' || c < 0x20 || c >= 0x80) return;
      ++p_;
    }
  }

  // A string is viewed where it is in the text, unless an escape makes its
  // value differ: then it is written out, once, into the document.
  [[gnu::always_inline]] bool string(std::string_view& out) {
    ++p_;  // the opening quote
    const char* start = p_;
    std::string* written = nullptr;
    for (;;) {
      const char* run = p_;
      skip_plain();
      if (written) written->append(run, static_cast<std::size_t>(p_ - run));
      if (p_ == end_) return syntax("unexpected end of input in a string");
      const auto c = static_cast<unsigned char>(*p_);
      if (c == '"') {
        out = written ? std::string_view(*written) : std::string_view(start, static_cast<std::size_t>(p_ - start));
        ++p_;
        return true;
      }
      if (c == '\\') {
        if (!written) written = &doc_.unescaped_.emplace_front(start, static_cast<std::size_t>(p_ - start));
        if (!escape(*written)) return false;
      } else if (c < 0x20) {
        return syntax("a control character in a string must be escaped");
      } else {
        const char* sequence = p_;
        if (!utf8()) return false;
        if (written) written->append(sequence, static_cast<std::size_t>(p_ - sequence));
      }
    }
  }

  static bool digit(char c) { return c >= '0' && c <= '9'; }

  bool number(JsonValue& out) {
    const char* start = p_;
    const bool negative = p_ != end_ && *p_ == '-';
    if (negative) ++p_;
    if (p_ == end_ || !digit(*p_)) return syntax("invalid literal");
    // The integer part's value is read as it is scanned: nineteen digits
    // cannot overflow 64 bits, a longer number is checked digit by digit.
    std::uint64_t magnitude = 0;
    bool fits = true;
    if (*p_ == '0') {
      ++p_;
    } else {
      const char* unchecked_end = end_ - p_ > 19 ? p_ + 19 : end_;
      for (; p_ != unchecked_end && digit(*p_); ++p_) magnitude = magnitude * 10 + static_cast<std::uint64_t>(*p_ - '0');
      for (; p_ != end_ && digit(*p_); ++p_) {
        const auto v = static_cast<std::uint64_t>(*p_ - '0');
        if (fits && (__builtin_mul_overflow(magnitude, 10, &magnitude) || __builtin_add_overflow(magnitude, v, &magnitude))) {
          fits = false;
        }
      }
    }
    bool fraction = false;
    if (p_ != end_ && *p_ == '.') {
      ++p_;
      if (p_ == end_ || !digit(*p_)) return syntax("a number needs digits after '.'");
      while (p_ != end_ && digit(*p_)) ++p_;
      fraction = true;
    }
    if (p_ != end_ && (*p_ == 'e' || *p_ == 'E')) {
      ++p_;
      if (p_ != end_ && (*p_ == '+' || *p_ == '-')) ++p_;
      if (p_ == end_ || !digit(*p_)) return syntax("a number needs digits in its exponent");
      while (p_ != end_ && digit(*p_)) ++p_;
      fraction = true;
    }
    if (!fraction) {
      if (fits && !negative) {
        out = integer(static_cast<std::int64_t>(magnitude), JsonValue::Kind::unsigned_integer);
        return true;
      }
      if (fits && magnitude <= static_cast<std::uint64_t>(INT64_MAX) + 1) {
        out = integer(magnitude == static_cast<std::uint64_t>(INT64_MAX) + 1 ? INT64_MIN : -static_cast<std::int64_t>(magnitude),
                      JsonValue::Kind::integer);
        return true;
      }
    }
    // A fraction, an exponent, or an integer past 64 bits: a fraction to
    // every reader of the core, which refuses it, so its value is not read
    // (no floating point in the core). Past double's range it is an error,
    // as nlohmann has it, decided on the digits.
    if (beyond_double(start, p_)) return syntax("number overflow");
    out = of_kind(JsonValue::Kind::fraction);
    return true;
  }

  // Whether a number's text is at least the halfway point between the
  // largest double and 2^1024, where strtod rounds to infinity: compared
  // digit by digit, the same on every host.
  static bool beyond_double(const char* p, const char* end) {
    static constexpr std::string_view kHalfway =  // (2^1024 - 2^970), 309 digits
        "1797693134862315807937289714053034150799341327100378269361737789804449682927647509466490179775872070963"
        "3028641669288791094655554785194040263065748867150582068190890200070838367627385484581771153176447573027"
        "0069855571366959622842914819860834936475292719074168444365510704342711559699508093042880177904174497792";
    if (*p == '-') ++p;
    std::string digits;  // significant digits, leading zeros dropped
    long exponent = -1;  // of ten, of the first significant digit
    bool point = false;
    for (; p != end && *p != 'e' && *p != 'E'; ++p) {
      if (*p == '.') {
        point = true;
      } else if (!digits.empty() || *p != '0') {
        if (!point) ++exponent;
        if (digits.size() <= kHalfway.size()) digits += *p;
      } else if (point) {
        --exponent;
      }
    }
    if (digits.empty()) return false;  // zero
    if (p != end) {
      ++p;
      const bool minus = *p == '-';
      if (*p == '-' || *p == '+') ++p;
      long e = 0;
      for (; p != end; ++p) e = std::min(e * 10 + (*p - '0'), 100000L);
      exponent += minus ? -e : e;
    }
    const long halfway_exponent = static_cast<long>(kHalfway.size()) - 1;
    if (exponent != halfway_exponent) return exponent > halfway_exponent;
    return std::string_view(digits).substr(0, kHalfway.size()) >= kHalfway;
  }

  const char* p_;
  const char* begin_;
  const char* end_;
  JsonDocument& doc_;
  // Items and members of the containers being read, moved into the
  // document's arrays when each closes, so that a container's are adjacent.
  // Kept on each thread from one document to the next (an event line at a
  // time grew them anew each time); given back after a large document.
  struct Scratch {
    std::vector<JsonValue> items;
    std::vector<JsonMember> members;
  };
  static Scratch& scratch() {
    thread_local Scratch kept;
    return kept;
  }
  struct Reuse {
    Scratch& s;
    explicit Reuse(Scratch& scratch) : s(scratch) {
      s.items.clear();
      s.members.clear();
    }
    ~Reuse() {
      constexpr std::size_t kKept = 1 << 12;
      if (s.items.capacity() > kKept) std::vector<JsonValue>().swap(s.items);
      if (s.members.capacity() > kKept) std::vector<JsonMember>().swap(s.members);
    }
  } reuse_{scratch()};
  std::vector<JsonValue>& items_ = reuse_.s.items;
  std::vector<JsonMember>& members_ = reuse_.s.members;
  std::optional<Error> error_;
};

Result<JsonDocument> JsonDocument::parse(std::string_view text) {
  if (text.size() > kMaxJsonBytes) {
    return Error{"json.too_large",
                 "document is " + std::to_string(text.size()) + " bytes; the limit is " +
                     std::to_string(kMaxJsonBytes),
                 ""};
  }
  JsonDocument doc;
  // Sized for the text at once rather than grown by copies (a member's
  // compact state has a member every ~18 bytes, an item every ~80).
  constexpr std::size_t kMostReserved = 1 << 16;
  doc.members_.reserve(std::min(text.size() / 16, kMostReserved));
  doc.items_.reserve(std::min(text.size() / 64, kMostReserved));
  if (auto error = JsonBuilder(text, doc).document()) return *std::move(error);
  return doc;
}

JsonDocument JsonDocument::from(const nlohmann::json& json) {
  JsonDocument doc;
  struct Copier {
    JsonDocument& doc;
    JsonValue copy(const nlohmann::json& j) {
      using K = JsonValue::Kind;
      switch (j.type()) {
        case nlohmann::json::value_t::boolean: return JsonBuilder::integer(j.get<bool>() ? 1 : 0, K::boolean);
        case nlohmann::json::value_t::number_integer: return JsonBuilder::integer(j.get<std::int64_t>(), K::integer);
        case nlohmann::json::value_t::number_unsigned:
          return JsonBuilder::integer(static_cast<std::int64_t>(j.get<std::uint64_t>()), K::unsigned_integer);
        case nlohmann::json::value_t::number_float: return JsonBuilder::of_kind(K::fraction);
        case nlohmann::json::value_t::string: return JsonBuilder::text(j.get_ref<const std::string&>());
        case nlohmann::json::value_t::array: {
          std::vector<JsonValue> items;
          items.reserve(j.size());
          for (const auto& item : j) items.push_back(copy(item));
          const std::size_t first = doc.items_.size();
          doc.items_.insert(doc.items_.end(), items.begin(), items.end());
          return JsonBuilder::container(K::array, first, items.size());
        }
        case nlohmann::json::value_t::object: {
          std::vector<JsonMember> members;
          members.reserve(j.size());
          for (const auto& [key, value] : j.items()) members.push_back({key, copy(value)});
          const std::size_t first = doc.members_.size();
          doc.members_.insert(doc.members_.end(), members.begin(), members.end());
          return JsonBuilder::container(K::object, first, members.size());
        }
        default: return JsonBuilder::of_kind(K::null);
      }
    }
  };
  doc.root_ = Copier{doc}.copy(json);
  JsonBuilder::link(doc);
  return doc;
}

nlohmann::json JsonDocument::to_json(const JsonValue& value) {
  switch (value.kind()) {
    case JsonValue::Kind::null: return nullptr;
    case JsonValue::Kind::boolean: return value.boolean();
    case JsonValue::Kind::integer: return value.int64();
    case JsonValue::Kind::unsigned_integer: return value.uint64();
    case JsonValue::Kind::fraction: return nlohmann::json(nlohmann::json::value_t::number_float);
    case JsonValue::Kind::string: return std::string(value.str());
    case JsonValue::Kind::array: {
      nlohmann::json array = nlohmann::json::array();
      auto& items = array.get_ref<nlohmann::json::array_t&>();
      items.reserve(value.size());
      for (const JsonValue& item : value) items.push_back(to_json(item));
      return array;
    }
    case JsonValue::Kind::object: {
      nlohmann::json object = nlohmann::json::object();
      auto& members = object.get_ref<nlohmann::json::object_t&>();
      for (const JsonMember& m : value.items()) members.emplace_hint(members.end(), std::string(m.key), to_json(m.value));
      return object;
    }
  }
  return nullptr;
}

Result<Json> parse_json(std::string_view text) {
  auto doc = JsonDocument::parse(text);
  if (!doc.ok()) return doc.errors();
  return JsonDocument::to_json(doc.value().root());
}

}  // namespace loyalty
