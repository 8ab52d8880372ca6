// Programme JSON: any bytes are checked without crashing and answered with an
// envelope; a programme that loads has a summary that loads again to itself.
#include <cstdint>

#include "fuzz_support.hpp"
#include "loyalty/engine.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace loyalty;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  fuzz::must_be_json_object(Engine::check_program(text), "check_program");
  auto loaded = Engine::load(text);
  if (!loaded.ok()) return 0;
  const std::string summary = loaded.value().program_summary();  // {"ok":true,"value":<the programme>}
  auto again = Engine::load(fuzz::must_be_json_object(summary, "program_summary")["value"].dump());
  if (!again.ok() || again.value().program_summary() != summary) {
    std::fprintf(stderr, "a loaded programme's summary does not load to itself:\n%s\n", summary.c_str());
    std::abort();
  }
  return 0;
}
