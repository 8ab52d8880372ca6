// The sync server's request bodies, as a member or a merchant sends them, on
// an in-memory store: the first byte picks the endpoint. Every answer has a
// known status and a JSON body; nothing crashes, whatever the body.
#include <cstdint>
#include <optional>
#include <set>

#include "fuzz_support.hpp"
#include "loyalty/engine.hpp"
#include "store.hpp"
#include "sync_service.hpp"

namespace {
std::unique_ptr<loyalty::server::Store> store;
std::unique_ptr<loyalty::server::ProgramVersions> programs;
std::optional<loyalty::server::SyncService> sync;
constexpr std::int64_t kNow = 1795276800000;
}

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  using namespace loyalty;
  store = server::open_sqlite_store(":memory:");
  programs = std::move(server::ProgramVersions::open(*store, fuzz::bakery(), kNow)).value();
  sync.emplace(*programs, *store);
  sync->join(R"({"member_id":"m1"})", kNow);
  sync->merchant_event("order", R"({"member_id":"m1","id":"o","order_id":"o","lines":[{"sku":"s","category":"cake","unit_price":50000,"quantity":1}]})", kNow);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace loyalty::server;
  if (size == 0) return 0;
  const std::string_view body(reinterpret_cast<const char*>(data + 1), size - 1);
  HttpAnswer answer;
  switch (data[0] % 5) {
    case 0: answer = sync->member_sync("m1", {}, body, kNow); break;
    case 1: answer = sync->join(body, kNow); break;
    case 2: answer = sync->merchant_event("order", body, kNow); break;
    case 3: answer = sync->merchant_event("refund", body, kNow); break;
    default: answer = sync->merchant_event("paid_membership", body, kNow); break;
  }
  static const std::set<int> known = {200, 201, 400, 403, 404, 409, 413};
  if (!known.count(answer.status)) {
    std::fprintf(stderr, "status %d for:\n%.*s\n", answer.status, static_cast<int>(body.size()), body.data());
    std::abort();
  }
  loyalty::fuzz::must_be_json_object(answer.body, "the sync service");
  return 0;
}
