// What the sync server pays to store a member with a year of orders after a
// request that changed none of them (a redeem, a check-in): the snapshot
// compressed whole, against its held orders compressed apart, their block
// made once and reused; and what reading each back costs (a cache miss).
#include <benchmark/benchmark.h>

#include <fstream>
#include <sstream>
#include <string>

#include "loyalty/apply.hpp"
#include "loyalty/engine.hpp"
#include "loyalty/json_codec.hpp"
#include "loyalty/state_snapshot.hpp"
#include "stored_state.hpp"

namespace loyalty::server {
namespace {

const Engine& bakery() {
  static const Engine engine = [] {
    std::ifstream in(std::string(LOYALTY_SOURCE_DIR) + "/programs/bakery.json");
    std::stringstream text;
    text << in.rdbuf();
    return Engine::load(text.str()).value();
  }();
  return engine;
}

// 120 orders a minute apart, as bench_sync_load's `--history 120` gives.
MemberState member_with_a_year_of_orders(const Program& program) {
  MemberState state =
      member_state_from_json(program, parse_json(R"({"member_id":"m1","joined_at":1795276800000})").value(), "state")
          .value();
  for (int i = 0; i < 120; ++i) {
    const std::string id = "order-" + std::to_string(i);
    const std::string event = R"({"type":"order","id":")" + id + R"(","order_id":")" + id + R"(","at":)" +
                              std::to_string(1795276800000 + i * 60000LL) +
                              R"(,"lines":[{"sku":"cake","category":"cake","unit_price":3800,"quantity":1}]})";
    (void)apply_in_place(program, state, event_from_json(program, parse_json(event).value(), "event").value());
  }
  return state;
}

void stored_whole(benchmark::State& bench) {
  const Program& program = bakery().program();
  const MemberState state = member_with_a_year_of_orders(program);
  std::size_t bytes = 0;
  for (auto _ : bench) {
    const std::string stored = stored_form_of_snapshot(state_snapshot(program, state, /*keep_orders=*/true));
    bytes = stored.size();
    benchmark::DoNotOptimize(stored.data());
  }
  bench.counters["stored_bytes"] = static_cast<double>(bytes);
}

// The snapshot alone: what neither form saves.
void snapshot_alone(benchmark::State& bench) {
  const Program& program = bakery().program();
  const MemberState state = member_with_a_year_of_orders(program);
  std::size_t bytes = 0;
  for (auto _ : bench) {
    const std::string snapshot = state_snapshot(program, state, /*keep_orders=*/true);
    bytes = snapshot.size();
    benchmark::DoNotOptimize(snapshot.data());
  }
  bench.counters["snapshot_bytes"] = static_cast<double>(bytes);
}

void stored_orders_apart(benchmark::State& bench) {
  const Program& program = bakery().program();
  const MemberState state = member_with_a_year_of_orders(program);
  std::size_t bytes = 0;
  for (auto _ : bench) {
    std::size_t orders_at = 0;
    const std::string snapshot = state_snapshot(program, state, /*keep_orders=*/true, &orders_at);
    const std::string stored = stored_form_of_snapshot(snapshot, orders_at, state.orders, program);
    bytes = stored.size();
    benchmark::DoNotOptimize(stored.data());
  }
  bench.counters["stored_bytes"] = static_cast<double>(bytes);
}

void read_back(benchmark::State& bench, bool apart) {
  const Program& program = bakery().program();
  const MemberState state = member_with_a_year_of_orders(program);
  std::size_t orders_at = 0;
  const std::string snapshot = state_snapshot(program, state, /*keep_orders=*/true, &orders_at);
  const std::string stored =
      apart ? stored_form_of_snapshot(snapshot, orders_at, state.orders, program) : stored_form_of_snapshot(snapshot);
  for (auto _ : bench) benchmark::DoNotOptimize(read_stored_state(program, stored).ok());
}

BENCHMARK(snapshot_alone)->Name("stored_after_a_request/snapshot_alone");
BENCHMARK(stored_whole)->Name("stored_after_a_request/whole");
BENCHMARK(stored_orders_apart)->Name("stored_after_a_request/orders_apart");
BENCHMARK_CAPTURE(read_back, whole, false)->Name("stored_read_back/whole");
BENCHMARK_CAPTURE(read_back, orders_apart, true)->Name("stored_read_back/orders_apart");

}  // namespace
}  // namespace loyalty::server
