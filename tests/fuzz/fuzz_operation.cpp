// Every core operation on any request (states, events, carts, draws): the
// first byte picks the operation, the rest is the request. Each answer is an
// envelope; a state the core answers is one it accepts again.
#include <cstdint>
#include <optional>

#include "fuzz_support.hpp"
#include "loyalty/engine.hpp"

namespace {
std::optional<loyalty::Engine> engine;
}

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  engine.emplace(std::move(loyalty::Engine::load(loyalty::fuzz::bakery())).value());
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace loyalty;
  if (size == 0) return 0;
  const auto& ops = Engine::operations();
  const std::string_view op = ops[data[0] % ops.size()];
  const std::string_view request(reinterpret_cast<const char*>(data + 1), size - 1);
  const auto answer = fuzz::must_be_json_object(engine->call(op, request), "an operation");
  if (op == "apply" && answer.value("ok", false)) {
    // The new state round-trips: applying a no-op to it is accepted.
    nlohmann::json again = {{"state", answer["value"]["state"]}, {"at", 0}};
    const auto check = fuzz::must_be_json_object(engine->call("lifecycle", again.dump()), "lifecycle");
    if (!check.value("ok", false)) {
      std::fprintf(stderr, "apply answered a state the core refuses:\n%s\n", again.dump().c_str());
      std::abort();
    }
  }
  return 0;
}
