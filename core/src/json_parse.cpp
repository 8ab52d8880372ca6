// parse_json: nlohmann's SAX parser driving a DOM builder of our own, so that
// a parse error is a value (never an exception, which would abort in WASM),
// and so that duplicate keys and excessive nesting are refused while reading.
#include <string>
#include <vector>

#include "loyalty/json_codec.hpp"

namespace loyalty {

namespace {

// The message quotes the bytes last read, which may be invalid UTF-8; keep
// it printable ASCII so that it can itself be written out as JSON.
std::string printable(std::string text) {
  for (char& c : text) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u > 0x7e) c = '?';
  }
  return text;
}

class DomBuilder : public nlohmann::json_sax<Json> {
 public:
  explicit DomBuilder(Json& root) : root_(root) {}

  bool null() override { return add(Json(nullptr)); }
  bool boolean(bool v) override { return add(Json(v)); }
  bool number_integer(number_integer_t v) override { return add(Json(v)); }
  bool number_unsigned(number_unsigned_t v) override { return add(Json(v)); }
  bool number_float(number_float_t v, const string_t&) override { return add(Json(v)); }
  bool string(string_t& v) override { return add(Json(std::move(v))); }
  bool binary(binary_t&) override { return fail("json.syntax", "binary values are not JSON"); }

  bool start_object(std::size_t) override { return open(Json::object()); }
  bool start_array(std::size_t) override { return open(Json::array()); }
  bool end_object() override { return close(); }
  bool end_array() override { return close(); }

  // The member is made here, once: its value is placed when it is read.
  bool key(string_t& k) override {
    auto [member, made] = stack_.back()->get_ref<Json::object_t&>().emplace(std::move(k), nullptr);
    if (!made) return fail("json.duplicate_key", "duplicate key \"" + member->first + "\"");
    slot_ = &member->second;
    return true;
  }

  bool parse_error(std::size_t position, const std::string&,
                   const nlohmann::detail::exception& ex) override {
    // ex.what() reads "[json.exception.parse_error.101] parse error at line 1,
    // column 5: syntax error while parsing value - ..."; keep the part after
    // the bracketed id, which says what and where.
    std::string what = ex.what();
    auto bracket = what.find("] ");
    if (bracket != std::string::npos) what = what.substr(bracket + 2);
    return fail("json.syntax", printable(what) + " (byte " + std::to_string(position) + ")");
  }

  const Errors& errors() const { return errors_; }

 private:
  bool fail(std::string code, std::string message) {
    if (errors_.empty()) errors_.push_back({std::move(code), std::move(message), ""});
    return false;
  }

  Json* place(Json&& value) {
    if (stack_.empty()) {
      root_ = std::move(value);
      return &root_;
    }
    Json& parent = *stack_.back();
    if (parent.is_array()) {
      parent.push_back(std::move(value));
      return &parent.back();
    }
    *slot_ = std::move(value);
    return slot_;
  }

  bool add(Json&& value) {
    place(std::move(value));
    return true;
  }

  bool open(Json&& container) {
    if (stack_.size() >= kMaxJsonDepth) {
      return fail("json.too_deep", "nesting deeper than " + std::to_string(kMaxJsonDepth) + " levels");
    }
    // A child is filled before its parent grows again, so this pointer stays valid.
    stack_.push_back(place(std::move(container)));
    return true;
  }

  bool close() {
    stack_.pop_back();
    return true;
  }

  Json& root_;
  std::vector<Json*> stack_;
  Json* slot_ = nullptr;  // the member whose key was read last
  Errors errors_;
};

}  // namespace

Result<Json> parse_json(std::string_view text) {
  if (text.size() > kMaxJsonBytes) {
    return Error{"json.too_large",
                 "document is " + std::to_string(text.size()) + " bytes; the limit is " +
                     std::to_string(kMaxJsonBytes),
                 ""};
  }
  Json root;
  DomBuilder builder(root);
  const bool ok = Json::sax_parse(text.begin(), text.end(), &builder,
                                  nlohmann::detail::input_format_t::json, true, false);
  if (!ok) {
    if (!builder.errors().empty()) return builder.errors();
    return Error{"json.syntax", "malformed JSON", ""};
  }
  return root;
}

}  // namespace loyalty
