// Errors are values: a stable machine code, a human message and, where the
// error is about input, the JSON path of the offending value. Nothing in the
// core throws on user input, so nothing can escape across the WASM boundary.
#pragma once

#include <string>
#include <utility>
#include <variant>
#include <vector>

namespace loyalty {

struct Error {
  std::string code;     // stable, dotted: "cart.unknown_category"
  std::string message;  // for people; may change between versions
  std::string path;     // "cart.lines[2].category"; empty when not about input

  bool operator==(const Error& other) const {
    return code == other.code && message == other.message && path == other.path;
  }
};

using Errors = std::vector<Error>;

// Either a value or at least one error. Deliberately small: the core only
// needs to build one, test it and read it.
template <typename T>
class Result {
 public:
  // A value is moved in once (taken by value, it was moved twice: a large
  // event read per line paid for both).
  Result(const T& value) : content_(value) {}        // NOLINT(google-explicit-constructor)
  Result(T&& value) : content_(std::move(value)) {}  // NOLINT(google-explicit-constructor)
  Result(Error error) : content_(Errors{std::move(error)}) {}  // NOLINT
  Result(Errors errors) : content_(std::move(errors)) {}        // NOLINT
  // A value made in place, to be filled through value(): a reader that
  // returns this one object moves nothing.
  explicit Result(std::in_place_t) : content_(std::in_place_type<T>) {}

  bool ok() const { return std::holds_alternative<T>(content_); }
  const T& value() const& { return std::get<T>(content_); }
  T& value() & { return std::get<T>(content_); }
  T&& value() && { return std::get<T>(std::move(content_)); }
  const Errors& errors() const { return std::get<Errors>(content_); }

 private:
  std::variant<T, Errors> content_;
};

}  // namespace loyalty
