// The JSON face of the core for hosts: the WASM bindings, the `loyalty` CLI
// and the conformance runners all call these, so every host runs the same
// code from text to text. Each call returns an envelope string:
//   {"ok":true,"value":{...}}
//   {"ok":false,"errors":[{"code":"...","message":"...","path":"..."}]}
#pragma once

#include <string>
#include <string_view>

#include "loyalty/error.hpp"
#include "loyalty/program.hpp"

namespace loyalty {

class Engine {
 public:
  // Parses and validates a programme; errors list every problem found.
  static Result<Engine> load(std::string_view program_json);

  // Validation only: value is the programme summary (as program_summary()).
  static std::string check_program(std::string_view program_json);

  // The validated programme, normalised (defaults filled in).
  std::string program_summary() const;

  // request: {"state": {...}, "cart": {"lines": [...]}, "at": <UTC ms>}
  std::string preview_order(std::string_view request_json) const;

  // request: {"state": {...}}
  std::string tier_progress(std::string_view request_json) const;

  const Program& program() const { return program_; }

 private:
  explicit Engine(Program program) : program_(std::move(program)) {}
  Program program_;
};

std::string error_envelope(const Errors& errors);

}  // namespace loyalty
