// apply() natively: a mixed event stream (orders, redemptions, refunds, time
// passing) on the coffee programme, and how one event's cost grows with the
// number of lots a member holds.
#include <benchmark/benchmark.h>

#include <fstream>
#include <sstream>

#include "loyalty/apply.hpp"
#include "loyalty/engine.hpp"

namespace {

const loyalty::Program& program() {
  static const loyalty::Program p = [] {
    std::ifstream file(std::string(LOYALTY_SOURCE_DIR) + "/programs/coffee.json");
    std::stringstream text;
    text << file.rdbuf();
    return loyalty::Engine::load(text.str()).value().program();
  }();
  return p;
}

constexpr loyalty::TimeMs kStart = 1767196800000;  // 2026-01-01 local
constexpr loyalty::TimeMs kHour = 3600000;

// A very active member's events, one every `spacing`: orders, a redemption,
// a partial refund and the passage of time. The state carries what the rules
// keep (orders for the 90-day refund window, a year of lots), so the spacing
// sets how large the state is.
std::vector<loyalty::Event> mixed_stream(int n, loyalty::TimeMs spacing) {
  std::vector<loyalty::Event> events;
  loyalty::TimeMs at = kStart;
  for (int i = 0; i < n; ++i) {
    loyalty::Event e;
    e.id = "e" + std::to_string(i);
    e.at = at += spacing;
    switch (i % 10) {
      case 3:
        e.kind = loyalty::EventKind::redeem;
        e.points = 3;
        e.reward_id = "cookie";
        break;
      case 6:
        e.kind = loyalty::EventKind::refund;
        e.order_id = "o" + std::to_string(i - 1);
        e.refund_lines.push_back({0, 1});
        break;
      case 9:
        e.kind = loyalty::EventKind::time_passes;
        break;
      default:
        e.kind = loyalty::EventKind::order;
        e.order_id = "o" + std::to_string(i);
        e.cart.lines = {{"latte", 0, 3200, 2}, {"bagel", 2, 1500, 1}};
    }
    events.push_back(std::move(e));
  }
  return events;
}

// Arg: hours between events (36: ~20 a month; 3: 8 a day, a large state).
void ApplyMixedStream(benchmark::State& st) {
  const std::vector<loyalty::Event> events = mixed_stream(1000, st.range(0) * kHour);
  std::int64_t applied = 0;
  for (auto _ : st) {
    loyalty::MemberState state;
    state.joined_at = kStart;
    for (const loyalty::Event& e : events) {
      auto applied_event = loyalty::apply_in_place(program(), state, e);
      benchmark::DoNotOptimize(applied_event);
      ++applied;
    }
    benchmark::DoNotOptimize(state);
  }
  st.SetItemsProcessed(applied);
}
BENCHMARK(ApplyMixedStream)->Arg(36)->Arg(3)->Unit(benchmark::kMillisecond);

// One time_passes event on a member holding `lots` lots, none of them due.
void ApplyWithLots(benchmark::State& st) {
  loyalty::MemberState state;
  state.joined_at = kStart;
  state.clock = kStart;
  for (std::int64_t i = 0; i < st.range(0); ++i) {
    state.lots.push_back({"l" + std::to_string(i), kStart, 10, kStart + 400 * 24 * kHour, std::nullopt, ""});
  }
  loyalty::Event e;
  e.id = "tick";
  e.at = kStart + kHour;
  e.kind = loyalty::EventKind::time_passes;
  for (auto _ : st) {
    auto outcome = loyalty::apply(program(), state, e);
    benchmark::DoNotOptimize(outcome);
  }
  st.SetComplexityN(st.range(0));
}
BENCHMARK(ApplyWithLots)->Arg(10)->Arg(1000)->Arg(100000)->Complexity();

}  // namespace
