// The ceiling for durable events on this machine: the same writes a
// one-event sync makes (the answer, one ledger row, the member's snapshot),
// straight into the store without HTTP or the core. SQLite always;
// PostgreSQL too when LOYALTY_BENCH_PG names an empty database.
#include <benchmark/benchmark.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <unistd.h>

#include "store.hpp"

namespace loyalty::server {
namespace {

std::unique_ptr<Store> postgres;

// Event ids stay unique across repetitions and threads on the same database.
std::atomic<std::int64_t> next_event{0};

// The store is reached through its holder: thread 0 opens it, and the other
// threads see it only once the timed loop has started.
void durable_events(benchmark::State& bench, const std::unique_ptr<Store>& store) {
  const std::string state(2000, ' ');  // about the size of a small member's snapshot
  const std::string entry = R"({"at":0,"available":-1,"debt":0,"event_id":"e","kind":"redeem","pending":0})";
  for (auto _ : bench) {
    const std::int64_t n = next_event++;
    const std::string member = "m-" + std::to_string(n % 64);
    const std::string id = "e-" + std::to_string(n);
    store->with_member(member, [&](MemberTransaction& tx) {
      benchmark::DoNotOptimize(tx.member());
      benchmark::DoNotOptimize(tx.answer(id));
      tx.put_answer(id, {"hash", entry}, n);
      tx.append_ledger({{0, id, n, "redeem", -1, 0, 0, entry}});
      tx.save_member({member, state, n, ""}, n);
    });
  }
  bench.SetItemsProcessed(bench.iterations());
}

// One thread: one commit (one fsync) per event, the ceiling without
// grouping. Many threads, as many server workers: their transactions are
// committed in groups.
std::unique_ptr<Store> sqlite;
std::string sqlite_path;
void StoreDurableEvent(benchmark::State& bench) {
  if (bench.thread_index() == 0) {
    sqlite_path = "/tmp/loyalty-store-bench-" + std::to_string(getpid()) + ".db";
    sqlite = open_store("sqlite:" + sqlite_path);
  }
  durable_events(bench, sqlite);
  if (bench.thread_index() == 0) {
    sqlite.reset();
    for (const char* suffix : {"", "-wal", "-shm"}) std::remove((sqlite_path + suffix).c_str());
  }
}
BENCHMARK(StoreDurableEvent)->Unit(benchmark::kMicrosecond)->MinTime(2.0)->UseRealTime()->Threads(1)->Threads(64);

// Several server threads share one PostgreSQL store; the benchmark's threads
// stand in for them (each a different member, as under load).
void StoreDurableEventPostgres(benchmark::State& bench) { durable_events(bench, postgres); }

}  // namespace
}  // namespace loyalty::server

int main(int argc, char** argv) {
  using namespace loyalty::server;
  benchmark::Initialize(&argc, argv);
  if (const char* url = std::getenv("LOYALTY_BENCH_PG")) {
    postgres = open_store(url);
    benchmark::RegisterBenchmark("StoreDurableEventPostgres", StoreDurableEventPostgres)
        ->Unit(benchmark::kMicrosecond)->MinTime(2.0)->UseRealTime()->Threads(1)->Threads(8);
  }
  benchmark::RunSpecifiedBenchmarks();
  postgres.reset();
  return 0;
}
