// Member sessions natively: what the server and `loyalty replay` pay per
// question once a state is held, beside what opening the state costs. The
// member is bench/member_history.mjs's year of history on the coffee
// programme (an order every three days, every tenth refunded in part), made
// here the same way; bench/js_engines.mjs asks the same questions through
// the WASM module, so the two sides compare.
#include <benchmark/benchmark.h>

#include <fstream>
#include <sstream>
#include <stdexcept>

#include "loyalty/answer_tape.hpp"
#include "loyalty/engine.hpp"
#include "loyalty/json_codec.hpp"
#include "loyalty/state_snapshot.hpp"

namespace {

constexpr loyalty::TimeMs kDay = 86400000;
constexpr loyalty::TimeMs kFrom = 1761955200000;  // 2025-11-01T00:00Z, as member_history.mjs

std::string program_text(const char* name) {
  std::ifstream file(std::string(LOYALTY_SOURCE_DIR) + "/programs/" + name);
  std::stringstream text;
  text << file.rdbuf();
  return text.str();
}

const loyalty::Engine& coffee() {
  static const loyalty::Engine engine = loyalty::Engine::load(program_text("coffee.json")).value();
  return engine;
}

// The year of history as events (JSON), with the same generator as
// member_history.mjs; `at` is two days after the last one.
struct History {
  std::string state_json;  // the snapshot, as a host stores it
  loyalty::TimeMs at = 0;
};

const History& history() {
  static const History h = [] {
    const auto& categories = coffee().program().categories;
    std::int64_t seed = 7;
    const auto next = [&](std::int64_t n) {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed % n;
    };
    std::string events;
    loyalty::TimeMs last = 0;
    for (int i = 0; i < 120; ++i) {
      const loyalty::TimeMs at = kFrom + i * 3 * kDay + 9 * 3600000 + next(8 * 3600000);
      std::string lines;
      const std::int64_t count = 1 + next(4);
      for (std::int64_t k = 0; k < count; ++k) {
        const std::int64_t sku = next(40);
        const std::int64_t price = 800 + next(6000);
        const std::int64_t quantity = 1 + next(3);
        lines += std::string(k ? "," : "") + "{\"sku\":\"sku-" + std::to_string(sku) + "\",\"category\":\"" +
                 categories[static_cast<std::size_t>(i + k) % categories.size()].id +
                 "\",\"unit_price\":" + std::to_string(price) + ",\"quantity\":" + std::to_string(quantity) + "}";
      }
      events += std::string(i ? "," : "") + "{\"id\":\"o-" + std::to_string(i) + "\",\"type\":\"order\",\"at\":" +
                std::to_string(at) + ",\"order_id\":\"order-" + std::to_string(i) + "\",\"lines\":[" + lines + "]}";
      last = at;
      if (i % 10 == 9) {
        last = at + 3600000;
        events += ",{\"id\":\"r-" + std::to_string(i) + "\",\"type\":\"refund\",\"at\":" + std::to_string(last) +
                  ",\"order_id\":\"order-" + std::to_string(i) + "\",\"lines\":[{\"line\":0,\"quantity\":1}]}";
      }
    }
    auto member = coffee().open_member("{\"member_id\":\"m-history\",\"joined_at\":" + std::to_string(kFrom) + "}").value();
    const std::string answer = coffee().call(member, "apply_events", "{\"events\":[" + events + "]}");
    if (answer.find("\"ok\":true") == std::string::npos) throw std::runtime_error(answer);
    const std::string envelope = coffee().call(member, "state", "{}");
    const std::string prefix = "{\"ok\":true,\"value\":";
    return History{envelope.substr(prefix.size(), envelope.size() - prefix.size() - 1), last + 2 * kDay};
  }();
  return h;
}

loyalty::MemberSession held() { return coffee().open_member(history().state_json).value(); }

std::vector<loyalty::CartLine> cart_lines(std::size_t count) {
  std::vector<loyalty::CartLine> lines;
  const auto& categories = coffee().program().categories;
  for (std::size_t i = 0; i < count; ++i) {
    lines.push_back({"sku-" + std::to_string(i), i % categories.size(), 1000 + 37 * static_cast<std::int64_t>(i),
                     1 + static_cast<std::int64_t>(i % 3)});
  }
  return lines;
}

void SessionOpen(benchmark::State& st) {
  const std::string& state = history().state_json;
  for (auto _ : st) benchmark::DoNotOptimize(coffee().open_member(state));
  st.SetBytesProcessed(static_cast<std::int64_t>(st.iterations() * state.size()));
}
BENCHMARK(SessionOpen);

// A programme read and checked from its text: what a host pays at start-up
// besides compiling the module (bakery.json, the largest example).
void ProgramLoad(benchmark::State& st) {
  const std::string text = program_text("bakery.json");
  for (auto _ : st) benchmark::DoNotOptimize(loyalty::Engine::load(text));
  st.SetBytesProcessed(static_cast<std::int64_t>(st.iterations() * text.size()));
}
BENCHMARK(ProgramLoad);

// The part of SessionOpen that parses the text (and frees the document), before any reader.
void SessionOpenParseOnly(benchmark::State& st) {
  const std::string& state = history().state_json;
  for (auto _ : st) benchmark::DoNotOptimize(loyalty::JsonDocument::parse(state));
  st.SetBytesProcessed(static_cast<std::int64_t>(st.iterations() * state.size()));
}
BENCHMARK(SessionOpenParseOnly);

// The binary snapshot against JSON, both ways, on the same state.
void SessionOpenSnapshot(benchmark::State& st) {
  const std::string bytes = loyalty::state_snapshot(coffee().program(), held().state());
  for (auto _ : st) benchmark::DoNotOptimize(coffee().open_member_snapshot(bytes));
  st.SetBytesProcessed(static_cast<std::int64_t>(st.iterations() * bytes.size()));
}
BENCHMARK(SessionOpenSnapshot);

void StateWriteJson(benchmark::State& st) {
  const loyalty::MemberSession member = held();
  for (auto _ : st) benchmark::DoNotOptimize(loyalty::state_json(coffee().program(), member.state()));
}
BENCHMARK(StateWriteJson);

void StateWriteSnapshot(benchmark::State& st) {
  const loyalty::MemberSession member = held();
  for (auto _ : st) benchmark::DoNotOptimize(loyalty::state_snapshot(coffee().program(), member.state()));
}
BENCHMARK(StateWriteSnapshot);

void SessionPoints(benchmark::State& st) {
  const loyalty::MemberSession member = held();
  const auto lines = cart_lines(3);
  for (auto _ : st) benchmark::DoNotOptimize(member.points(lines.data(), lines.size(), history().at));
}
BENCHMARK(SessionPoints);

void SessionPreviewOrderEnvelope(benchmark::State& st) {
  loyalty::MemberSession member = held();
  const loyalty::Cart cart{cart_lines(3)};
  for (auto _ : st) benchmark::DoNotOptimize(coffee().preview_order(member, cart, history().at));
}
BENCHMARK(SessionPreviewOrderEnvelope);

// What the module does for member.previewOrder: the answer written as a
// tape for a decoder that holds the strings sent before.
void SessionPreviewOrderTape(benchmark::State& st) {
  const loyalty::MemberSession member = held();
  const loyalty::Cart cart{cart_lines(3)};
  loyalty::TapeStrings strings;
  for (auto _ : st) {
    auto preview = member.preview_order(cart, history().at);
    benchmark::DoNotOptimize(loyalty::preview_json(coffee().program(), preview.value(), &strings));
  }
  st.counters["text_lookups"] = benchmark::Counter(static_cast<double>(strings.text_lookups()), benchmark::Counter::kAvgIterations);
}
BENCHMARK(SessionPreviewOrderTape);

// Another local day each call: the day's totals and the progress are made anew.
void SessionTierProgressNewDay(benchmark::State& st) {
  loyalty::MemberSession member = held();
  std::int64_t day = 0;
  for (auto _ : st) {
    benchmark::DoNotOptimize(coffee().call(member, "tier_progress", history().at + (day++ % 2) * kDay));
  }
}
BENCHMARK(SessionTierProgressNewDay);

// A member centre left open: a day later each call, for 60 days, then back
// to the first (one bring from the held state in 60 calls).
void SessionTierProgressNextDay(benchmark::State& st) {
  loyalty::MemberSession member = held();
  std::int64_t day = 0;
  for (auto _ : st) {
    benchmark::DoNotOptimize(coffee().call(member, "tier_progress", history().at + (day++ % 60) * kDay));
  }
}
BENCHMARK(SessionTierProgressNextDay);

// The same, as the module answers member.tierProgress: the progress written
// as a tape, no request read.
void SessionTierProgressNextDayTape(benchmark::State& st) {
  const loyalty::MemberSession member = held();
  loyalty::TapeStrings strings;
  std::int64_t day = 0;
  for (auto _ : st) {
    auto progress = member.tier_progress(history().at + (day++ % 60) * kDay);
    benchmark::DoNotOptimize(loyalty::progress_json(coffee().program(), progress.value(), &strings));
  }
}
BENCHMARK(SessionTierProgressNextDayTape);

void SessionListing(benchmark::State& st) {
  const loyalty::MemberSession member = held();
  const loyalty::Cart products{cart_lines(static_cast<std::size_t>(st.range(0)))};
  for (auto _ : st) benchmark::DoNotOptimize(member.preview_listing(products, history().at));
}
BENCHMARK(SessionListing)->Arg(1000);

}  // namespace
