// preview_order natively: on plain structs (what a server loop pays) and
// through the JSON engine (what every host pays per call today, text in and
// out). bench/preview_js.mjs measures the same requests through the WASM API.
#include <benchmark/benchmark.h>

#include <fstream>
#include <sstream>

#include "bench_carts.hpp"
#include "loyalty/engine.hpp"
#include "loyalty/json_codec.hpp"
#include "loyalty/order_preview.hpp"

namespace {

std::string read_program() {
  std::ifstream file(std::string(LOYALTY_SOURCE_DIR) + "/programs/bakery.json");
  std::stringstream text;
  text << file.rdbuf();
  return text.str();
}

const loyalty::Engine& engine() {
  static const loyalty::Engine e = loyalty::Engine::load(read_program()).value();
  return e;
}

void PreviewOrderStructs(benchmark::State& st) {
  const loyalty::Program& program = engine().program();
  const auto request = loyalty::Json::parse(bench::cart_request(static_cast<int>(st.range(0))));
  const auto state = loyalty::member_state_from_json(program, request["state"], "state").value();
  // (the preview brings the state to `at`; this member has no lots to vest)
  const auto cart = loyalty::cart_from_json(program, request["cart"], "cart").value();
  const loyalty::TimeMs at = request["at"].get<loyalty::TimeMs>();
  for (auto _ : st) {
    auto preview = loyalty::preview_order(program, state, cart, at);
    benchmark::DoNotOptimize(preview);
  }
}
BENCHMARK(PreviewOrderStructs)->Arg(3)->Arg(50);

void PreviewOrderJson(benchmark::State& st) {
  const std::string request = bench::cart_request(static_cast<int>(st.range(0)));
  for (auto _ : st) {
    std::string out = engine().preview_order(request);
    benchmark::DoNotOptimize(out);
  }
}
BENCHMARK(PreviewOrderJson)->Arg(3)->Arg(50);

}  // namespace
