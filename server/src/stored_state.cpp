#include "stored_state.hpp"

#include <lz4.h>

#include <cstdint>
#include <memory>

#include "loyalty/json_codec.hpp"
#include "loyalty/packed_snapshot.hpp"
#include "loyalty/state_snapshot.hpp"

namespace loyalty::server {
namespace {

// The forms are the core's (packed_snapshot.hpp); they are made here, with
// liblz4, and read with liblz4's decoder.
constexpr std::size_t kCompressFrom = 1024;  // below, the header and the call cost more than they save

// The thread's LZ4 state (16 KB), made once. Each block starts it with a fast
// reset rather than clearing its whole table, which cost about as much as
// packing the 2-3 KB a request writes.
LZ4_stream_t* thread_lz4_stream() {
  thread_local std::unique_ptr<LZ4_stream_t> stream;
  if (!stream) {
    stream = std::make_unique<LZ4_stream_t>();
    LZ4_initStream(stream.get(), sizeof(LZ4_stream_t));
  }
  return stream.get();
}

// `bytes` as an LZ4 block appended to `out`, independent of any block before
// it; false if LZ4 could not.
bool append_lz4(std::string& out, std::string_view bytes) {
  const std::size_t at = out.size();
  out.resize(at + static_cast<std::size_t>(LZ4_compressBound(static_cast<int>(bytes.size()))));
  LZ4_stream_t* stream = thread_lz4_stream();
  LZ4_resetStream_fast(stream);
  const int n = LZ4_compress_fast_continue(stream, bytes.data(), out.data() + at, static_cast<int>(bytes.size()),
                                           static_cast<int>(out.size() - at), 1);
  out.resize(n > 0 ? at + static_cast<std::size_t>(n) : at);
  return n > 0;
}

// The LZ4 block `block` decompressed into `into`, which is exactly its size.
bool lz4_into(std::string_view block, char* into, std::size_t size) {
  const int n = LZ4_decompress_safe(block.data(), into, static_cast<int>(block.size()), static_cast<int>(size));
  return n >= 0 && static_cast<std::size_t>(n) == size;
}

Result<std::string> decompressed(std::string_view stored) { return unpacked_snapshot(stored, lz4_into); }

}  // namespace

std::string stored_form_of_snapshot(std::string_view snapshot) {
  if (snapshot.size() < kCompressFrom || snapshot.size() > kMaxPackedSnapshot) return std::string(snapshot);
  std::string out(kPackedWhole);
  out.resize(kPackedWholeHeader);
  put_packed_size(out, 3, snapshot.size());
  if (!append_lz4(out, snapshot)) return std::string(snapshot);
  return out;
}

std::string stored_form_of_snapshot(std::string_view snapshot, std::size_t orders_at, const HeldOrders& orders,
                                    const Program& program) {
  const std::string* kept = orders.kept_snapshot(&program);
  if (!kept || kept->size() < kCompressFrom || snapshot.size() > kMaxPackedSnapshot || orders_at > snapshot.size() ||
      snapshot.substr(orders_at, kept->size()) != *kept) {
    return stored_form_of_snapshot(snapshot);
  }
  if (orders.kept_derived().empty()) {
    std::string block;
    if (!append_lz4(block, *kept)) return stored_form_of_snapshot(snapshot);
    orders.keep_derived(std::move(block));
  }
  const std::string& orders_block = orders.kept_derived();
  std::string rest;
  rest.reserve(snapshot.size() - kept->size());
  rest.append(snapshot.substr(0, orders_at)).append(snapshot.substr(orders_at + kept->size()));
  std::string out(kPackedOrdersApart);
  out.resize(kPackedOrdersApartHeader);
  put_packed_size(out, 3, snapshot.size());
  put_packed_size(out, 7, orders_at);
  put_packed_size(out, 11, kept->size());
  if (!append_lz4(out, rest)) return stored_form_of_snapshot(snapshot);
  put_packed_size(out, 15, out.size() - kPackedOrdersApartHeader);
  out += orders_block;
  return out;
}

std::string stored_form(const Program& program, const MemberState& state) {
  return stored_form_of_snapshot(state_snapshot(program, state));
}

Result<MemberState> read_stored_state(const Program& program, std::string_view stored) {
  if (is_packed_snapshot(stored)) {
    auto snapshot = decompressed(stored);
    if (!snapshot.ok()) return snapshot.errors();
    return member_state_from_snapshot(program, snapshot.value());
  }
  if (stored.empty() || stored.front() != '{') return member_state_from_snapshot(program, stored);
  auto doc = JsonDocument::parse(stored);
  if (!doc.ok()) return doc.errors();
  return member_state_from_json(program, doc.value().root(), "state");
}

Result<MemberJoin> read_stored_join(const Program& program, std::string_view stored) {
  if (is_packed_snapshot(stored)) {
    auto snapshot = decompressed(stored);
    if (!snapshot.ok()) return snapshot.errors();
    return member_join_from_snapshot(program, snapshot.value());
  }
  if (stored.empty() || stored.front() != '{') return member_join_from_snapshot(program, stored);
  auto state = read_stored_state(program, stored);  // a JSON row, from before snapshots: read whole
  if (!state.ok()) return state.errors();
  return MemberJoin{state.value().joined_at, state.value().birthday};
}

}  // namespace loyalty::server
