// The ceiling for durable events on this machine: the same writes a
// one-event sync makes (the answer, one ledger row, the member's snapshot),
// straight into the SQLite store without HTTP or the core.
#include <benchmark/benchmark.h>

#include <cstdio>
#include <string>
#include <unistd.h>

#include "store.hpp"

namespace loyalty::server {
namespace {

void StoreDurableEvent(benchmark::State& bench) {
  const std::string path = "/tmp/loyalty-store-bench-" + std::to_string(getpid()) + ".db";
  auto store = open_store("sqlite:" + path);
  const std::string state(2000, ' ');  // about the size of a small member's snapshot
  const std::string entry = R"({"at":0,"available":-1,"debt":0,"event_id":"e","kind":"redeem","pending":0})";
  std::int64_t n = 0;
  for (auto _ : bench) {
    const std::string member = "m-" + std::to_string(n % 64);
    const std::string id = "e-" + std::to_string(n++);
    store->with_member(member, [&](MemberTransaction& tx) {
      benchmark::DoNotOptimize(tx.member());
      benchmark::DoNotOptimize(tx.answer(id));
      tx.put_answer(id, {"hash", entry}, n);
      tx.append_ledger({{0, id, n, "redeem", -1, 0, 0, entry}});
      tx.save_member({member, state, n, ""}, n);
    });
  }
  bench.SetItemsProcessed(bench.iterations());
  store.reset();
  for (const char* suffix : {"", "-wal", "-shm"}) std::remove((path + suffix).c_str());
}
BENCHMARK(StoreDurableEvent)->Unit(benchmark::kMicrosecond)->MinTime(2.0)->UseRealTime();

}  // namespace
}  // namespace loyalty::server
