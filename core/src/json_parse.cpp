// parse_json: a reader of our own that builds nlohmann's DOM directly. A
// parse error is a value (never an exception, which would abort in WASM);
// duplicate keys and excessive nesting are refused while reading.
//
// It takes what nlohmann's parser takes, and gives the same values: a
// leading byte order mark is skipped; strings are valid UTF-8 (RFC 3629)
// with JSON's escapes; integers are unsigned when written without a minus
// and fit 64 bits, signed when negative and fit, floating point otherwise
// (tests/core/json_parse_test.cpp holds the two side by side). Two
// differences: it does not stop at a NUL byte (text after the document is
// refused whatever it is), and a fraction's value is not read (every reader
// refuses fractions; the core computes no floating point). Written for the module's sake: nlohmann's parser and lexer
// were ~10 KB of its code and, built for size, several times slower.
#include <algorithm>
#include <cstdint>
#include <string>

#include "loyalty/json_codec.hpp"

namespace loyalty {

namespace {

class Reader {
 public:
  explicit Reader(std::string_view text) : p_(text.data()), begin_(text.data()), end_(text.data() + text.size()) {}

  Result<Json> document() {
    if (end_ - p_ >= 3 && static_cast<unsigned char>(p_[0]) == 0xef && static_cast<unsigned char>(p_[1]) == 0xbb &&
        static_cast<unsigned char>(p_[2]) == 0xbf) {
      p_ += 3;
    }
    Json root;
    if (value(root, 0)) {
      skip_space();
      if (p_ != end_) fail("json.syntax", "unexpected text after the document");
    }
    if (error_) return *error_;
    return root;
  }

 private:
  bool fail(const char* code, std::string message) {
    if (!error_) {
      error_ = Error{code, std::move(message) + " (byte " + std::to_string(p_ - begin_) + ")", ""};
    }
    return false;
  }
  bool syntax(const char* what) { return fail("json.syntax", what); }

  void skip_space() {
    while (p_ != end_ && (*p_ == ' ' || *p_ == '\n' || *p_ == '\r' || *p_ == '\t')) ++p_;
  }

  bool literal(const char* word, std::size_t size) {
    if (static_cast<std::size_t>(end_ - p_) < size || std::string_view(p_, size) != std::string_view(word, size)) {
      return syntax("invalid literal");
    }
    p_ += size;
    return true;
  }

  bool value(Json& out, std::size_t depth) {
    skip_space();
    if (p_ == end_) return syntax("unexpected end of input; expected a value");
    switch (*p_) {
      case '{': return object(out, depth);
      case '[': return array(out, depth);
      case '"': {
        std::string s;
        if (!string(s)) return false;
        out = std::move(s);
        return true;
      }
      case 't':
        out = true;
        return literal("true", 4);
      case 'f':
        out = false;
        return literal("false", 5);
      case 'n':
        out = nullptr;
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

  bool object(Json& out, std::size_t depth) {
    if (!open(depth)) return false;
    out = Json::object();
    auto& members = out.get_ref<Json::object_t&>();
    if (p_ != end_ && *p_ == '}') {
      ++p_;
      return true;
    }
    for (;;) {
      skip_space();
      if (p_ == end_ || *p_ != '"') return syntax("expected a key in quotes");
      std::string key;
      if (!string(key)) return false;
      skip_space();
      if (p_ == end_ || *p_ != ':') return syntax("expected ':' after a key");
      ++p_;
      // Written by the core (and by nlohmann's dump), keys come sorted: the
      // hint makes each insertion one comparison with the last key.
      const std::size_t held = members.size();
      auto member = members.emplace_hint(members.end(), std::move(key), nullptr);
      if (members.size() == held) return fail("json.duplicate_key", "duplicate key \"" + member->first + "\"");
      if (!value(member->second, depth + 1)) return false;
      skip_space();
      if (p_ != end_ && *p_ == ',') {
        ++p_;
        continue;
      }
      if (p_ != end_ && *p_ == '}') {
        ++p_;
        return true;
      }
      return syntax("expected ',' or '}' in an object");
    }
  }

  bool array(Json& out, std::size_t depth) {
    if (!open(depth)) return false;
    out = Json::array();
    auto& items = out.get_ref<Json::array_t&>();
    if (p_ != end_ && *p_ == ']') {
      ++p_;
      return true;
    }
    for (;;) {
      items.emplace_back();
      if (!value(items.back(), depth + 1)) return false;
      skip_space();
      if (p_ != end_ && *p_ == ',') {
        ++p_;
        continue;
      }
      if (p_ != end_ && *p_ == ']') {
        ++p_;
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
  bool utf8(std::string& out) {
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
    out.append(p_, static_cast<std::size_t>(size));
    p_ += size;
    return true;
  }

  bool string(std::string& out) {
    ++p_;  // the opening quote
    for (;;) {
      const char* run = p_;
      while (p_ != end_) {
        const auto c = static_cast<unsigned char>(*p_);
        if (c == '"' || c == '\\' || c < 0x20 || c >= 0x80) break;
        ++p_;
      }
      out.append(run, static_cast<std::size_t>(p_ - run));
      if (p_ == end_) return syntax("unexpected end of input in a string");
      const auto c = static_cast<unsigned char>(*p_);
      if (c == '"') {
        ++p_;
        return true;
      }
      if (c == '\\') {
        if (!escape(out)) return false;
      } else if (c < 0x20) {
        return syntax("a control character in a string must be escaped");
      } else if (!utf8(out)) {
        return false;
      }
    }
  }

  static bool digit(char c) { return c >= '0' && c <= '9'; }

  bool number(Json& out) {
    const char* start = p_;
    const bool negative = p_ != end_ && *p_ == '-';
    if (negative) ++p_;
    if (p_ == end_ || !digit(*p_)) return syntax("invalid literal");
    if (*p_ == '0') {
      ++p_;
    } else {
      while (p_ != end_ && digit(*p_)) ++p_;
    }
    const char* integer_end = p_;
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
      std::uint64_t magnitude = 0;
      bool fits = true;
      for (const char* d = start + (negative ? 1 : 0); d != integer_end; ++d) {
        const auto v = static_cast<std::uint64_t>(*d - '0');
        if (magnitude > (UINT64_MAX - v) / 10) {
          fits = false;
          break;
        }
        magnitude = magnitude * 10 + v;
      }
      if (fits && !negative) {
        out = magnitude;
        return true;
      }
      if (fits && magnitude <= static_cast<std::uint64_t>(INT64_MAX) + 1) {
        out = magnitude == static_cast<std::uint64_t>(INT64_MAX) + 1 ? INT64_MIN : -static_cast<std::int64_t>(magnitude);
        return true;
      }
    }
    // A fraction, an exponent, or an integer past 64 bits: a fraction to
    // every reader of the core, which refuses it, so its value is not read
    // (no floating point in the core). Past double's range it is an error,
    // as nlohmann has it, decided on the digits.
    if (beyond_double(start, p_)) return syntax("number overflow");
    out = Json(Json::value_t::number_float);
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
  std::optional<Error> error_;
};

}  // namespace

Result<Json> parse_json(std::string_view text) {
  if (text.size() > kMaxJsonBytes) {
    return Error{"json.too_large",
                 "document is " + std::to_string(text.size()) + " bytes; the limit is " +
                     std::to_string(kMaxJsonBytes),
                 ""};
  }
  return Reader(text).document();
}

}  // namespace loyalty
