// Embind bindings: thin on purpose. Text in, envelope text out; the rules
// live in the core and the friendly API in js/api.js. Raw names carry a `_`
// prefix so nobody mistakes them for the public API.
//
// Answers cross as a view of the UTF-8 bytes in wasm memory, valid until the
// next call; js/api.js decodes it at once with TextDecoder. (Embind's own
// std::string return walks the bytes one by one in JS: several times slower.)
#include <emscripten/bind.h>

#include <cstdint>
#include <optional>
#include <string>

#include "loyalty/engine.hpp"

namespace {

// One loaded programme per core instance; replaced by _load.
class Core {
 public:
  emscripten::val load(const std::string& program_json) {
    auto engine = loyalty::Engine::load(program_json);
    if (!engine.ok()) return answer(loyalty::error_envelope(engine.errors()));
    engine_.emplace(std::move(engine).value());
    return answer(engine_->program_summary());
  }

  // Any engine operation by name (loyalty::Engine::operations()).
  emscripten::val call(const std::string& op, const std::string& request) {
    return answer(engine_ ? engine_->call(op, request) : not_loaded());
  }

  emscripten::val check_program(const std::string& program_json) {
    return answer(loyalty::Engine::check_program(program_json));
  }

 private:
  emscripten::val answer(std::string text) {
    last_answer_ = std::move(text);
    return emscripten::val(emscripten::typed_memory_view(last_answer_.size(),
                                                         reinterpret_cast<const std::uint8_t*>(last_answer_.data())));
  }

  static std::string not_loaded() {
    return loyalty::error_envelope({{"program.not_loaded", "no programme is loaded", ""}});
  }

  std::optional<loyalty::Engine> engine_;
  std::string last_answer_;
};

}  // namespace

EMSCRIPTEN_BINDINGS(loyalty_core) {
  emscripten::class_<Core>("Core")
      .constructor<>()
      .function("_load", &Core::load)
      .function("_call", &Core::call)
      .function("_checkProgram", &Core::check_program);
}
