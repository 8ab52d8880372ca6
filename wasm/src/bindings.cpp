// Embind bindings: thin on purpose. Text in, envelope text out; the rules
// live in the core and the friendly API in js/api.js. Raw names carry a `_`
// prefix so nobody mistakes them for the public API.
#include <emscripten/bind.h>

#include <optional>
#include <string>

#include "loyalty/engine.hpp"

namespace {

// One loaded programme per core instance; replaced by _load.
class Core {
 public:
  std::string load(const std::string& program_json) {
    auto engine = loyalty::Engine::load(program_json);
    if (!engine.ok()) return loyalty::error_envelope(engine.errors());
    engine_.emplace(std::move(engine).value());
    return engine_->program_summary();
  }

  std::string preview_order(const std::string& request) const {
    return engine_ ? engine_->preview_order(request) : not_loaded();
  }

  std::string tier_progress(const std::string& request) const {
    return engine_ ? engine_->tier_progress(request) : not_loaded();
  }

 private:
  static std::string not_loaded() {
    return loyalty::error_envelope({{"program.not_loaded", "no programme is loaded", ""}});
  }
  std::optional<loyalty::Engine> engine_;
};

std::string check_program(const std::string& program_json) {
  return loyalty::Engine::check_program(program_json);
}

}  // namespace

EMSCRIPTEN_BINDINGS(loyalty_core) {
  emscripten::class_<Core>("Core")
      .constructor<>()
      .function("_load", &Core::load)
      .function("_previewOrder", &Core::preview_order)
      .function("_tierProgress", &Core::tier_progress);
  emscripten::function("_checkProgram", &check_program);
}
