// apply() natively: a mixed event stream (orders, redemptions, refunds, time
// passing) on the coffee programme, and how one event's cost grows with the
// number of lots a member holds. The streams are applied as a replay does,
// into one outcome whose memory each event reuses.
#include <benchmark/benchmark.h>

#include "apply_streams.hpp"
#include "loyalty/apply.hpp"

namespace {

using apply_streams::kHour;
using apply_streams::kStart;
using apply_streams::mixed_stream;
using apply_streams::small_stream;

const loyalty::Program& program() { return apply_streams::coffee(); }
const loyalty::Program& bakery() { return apply_streams::bakery(); }

// Arg: hours between events (36: ~20 a month; 3: 8 a day, a large state).
void ApplyMixedStream(benchmark::State& st) {
  const std::vector<loyalty::Event> events = mixed_stream(1000, st.range(0) * kHour);
  std::int64_t applied = 0;
  loyalty::Applied out;
  for (auto _ : st) {
    loyalty::MemberState state;
    state.joined_at = kStart;
    for (const loyalty::Event& e : events) {
      auto errors = loyalty::apply_in_place(program(), state, e, out);
      benchmark::DoNotOptimize(errors);
      benchmark::DoNotOptimize(out);
      ++applied;
    }
    benchmark::DoNotOptimize(state);
  }
  st.SetItemsProcessed(applied);
}
BENCHMARK(ApplyMixedStream)->Arg(36)->Arg(3)->Unit(benchmark::kMillisecond);

// A new member's events of one kind, in place: the state stays small.
void ApplySmallState(benchmark::State& st, loyalty::EventKind kind) {
  const std::vector<loyalty::Event> events = small_stream(kind, 1000);
  std::int64_t applied = 0;
  loyalty::Applied out;
  for (auto _ : st) {
    loyalty::MemberState state;
    state.member_id = "m-1";
    state.joined_at = kStart;
    for (const loyalty::Event& e : events) {
      auto errors = loyalty::apply_in_place(bakery(), state, e, out);
      benchmark::DoNotOptimize(errors);
      benchmark::DoNotOptimize(out);
      ++applied;
    }
  }
  st.SetItemsProcessed(applied);
}
BENCHMARK_CAPTURE(ApplySmallState, time_passes, loyalty::EventKind::time_passes);
BENCHMARK_CAPTURE(ApplySmallState, checkin, loyalty::EventKind::checkin);
BENCHMARK_CAPTURE(ApplySmallState, like, loyalty::EventKind::like);

// A member holding `n` lots and `n` orders in the refund window (built
// directly: a long history by events would take minutes at n = 100,000).
// Every lot holds plenty, so the events below never empty one and the state
// keeps its size however long the benchmark runs.
loyalty::MemberState state_holding(std::int64_t n) {
  loyalty::MemberState state;
  state.member_id = "m-1";
  state.joined_at = kStart;
  const loyalty::TimeMs first = kStart + 400 * 24 * kHour;
  for (std::int64_t i = 0; i < n; ++i) {
    const loyalty::TimeMs at = first + i * 60000;  // a minute apart, all inside the 90-day refund window
    loyalty::OrderRecord o;
    o.order_id = "o" + std::to_string(i);
    o.at = at;
    o.lines.push_back({"latte", 0, 1000000, 1000000000, 1000000, 0});
    o.paid = 1000000000;
    o.points = 1000000;
    o.growth = 10000000;
    state.orders.push_back(std::move(o));
    state.lots.push_back({"e" + std::to_string(i), at, 1000000, at + 365 * 24 * kHour, std::nullopt, "o" + std::to_string(i)});
  }
  state.clock = first + n * 60000;
  state.activity.push_back({loyalty::local_day_number(first, 480), 0, 0, 0});
  return state;
}

// Cost per event against the history held: time passing, a redemption (the
// soonest-expiring lot), a one-unit refund of an order found by its id.
void ApplyWithHistory(benchmark::State& st) {
  loyalty::MemberState state = state_holding(st.range(0));
  loyalty::Event e;
  e.reward_id = "cookie";
  e.points = 1;
  e.refund_lines.push_back({0, 1});
  // A held state has its indexes (built at its first event): build them before timing.
  e.id = "warm-up";
  e.kind = loyalty::EventKind::refund;
  e.order_id = "o0";
  e.at = state.clock + 1;
  if (!loyalty::apply_in_place(program(), state, e).ok()) st.SkipWithError("warm-up refused");
  std::int64_t i = 0;
  for (auto _ : st) {
    e.id = "x" + std::to_string(i);
    e.at = state.clock + 1;
    switch (i % 3) {
      case 0: e.kind = loyalty::EventKind::time_passes; break;
      case 1: e.kind = loyalty::EventKind::redeem; break;
      default:
        e.kind = loyalty::EventKind::refund;
        e.order_id = "o" + std::to_string((i * 7919) % st.range(0));
    }
    auto outcome = loyalty::apply_in_place(program(), state, e);
    if (!outcome.ok()) st.SkipWithError(outcome.errors()[0].code.c_str());
    benchmark::DoNotOptimize(outcome);
    ++i;
  }
  st.SetItemsProcessed(i);
  st.SetComplexityN(st.range(0));
}
BENCHMARK(ApplyWithHistory)->Arg(10)->Arg(1000)->Arg(100000)->Complexity();

}  // namespace
