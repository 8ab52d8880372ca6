#include "stored_state.hpp"

#include <lz4.h>

#include <cstdint>

#include "loyalty/json_codec.hpp"
#include "loyalty/state_snapshot.hpp"

namespace loyalty::server {
namespace {

// "LCZ", the snapshot's size (4 bytes, little-endian), then its LZ4 block.
constexpr std::string_view kCompressed = "LCZ";
constexpr std::size_t kHeader = 3 + 4;
// "LCO", the snapshot's size, where its held orders begin, their size and
// the size of the first block (4 bytes each, little-endian), then the LZ4
// block of the snapshot without its orders, then the orders' own LZ4 block:
// most requests change no order, and that block is then reused, not made.
constexpr std::string_view kOrdersApart = "LCO";
constexpr std::size_t kApartHeader = 3 + 4 * 4;
constexpr std::size_t kCompressFrom = 1024;  // below, the header and the call cost more than they save
constexpr std::size_t kMaxSnapshot = 64 << 20;

void put_size(std::string& out, std::size_t at, std::size_t size) {
  for (std::size_t i = 0; i < 4; ++i) out[at + i] = static_cast<char>((size >> (8 * i)) & 0xff);
}

std::size_t get_size(std::string_view stored, std::size_t at) {
  std::size_t size = 0;
  for (std::size_t i = 0; i < 4; ++i) size |= static_cast<std::size_t>(static_cast<unsigned char>(stored[at + i])) << (8 * i);
  return size;
}

// `bytes` as an LZ4 block appended to `out`; false if LZ4 could not.
bool append_lz4(std::string& out, std::string_view bytes) {
  const std::size_t at = out.size();
  out.resize(at + static_cast<std::size_t>(LZ4_compressBound(static_cast<int>(bytes.size()))));
  const int n = LZ4_compress_default(bytes.data(), out.data() + at, static_cast<int>(bytes.size()),
                                     static_cast<int>(out.size() - at));
  out.resize(n > 0 ? at + static_cast<std::size_t>(n) : at);
  return n > 0;
}

// The LZ4 block `block` decompressed into `into`, which is exactly its size.
bool lz4_into(std::string_view block, char* into, std::size_t size) {
  const int n = LZ4_decompress_safe(block.data(), into, static_cast<int>(block.size()), static_cast<int>(size));
  return n >= 0 && static_cast<std::size_t>(n) == size;
}

Errors bad_compression(const char* message) { return Errors{{"state.bad_compression", message, ""}}; }

bool is_compressed(std::string_view stored) {
  return stored.substr(0, kCompressed.size()) == kCompressed || stored.substr(0, kOrdersApart.size()) == kOrdersApart;
}

Result<std::string> decompressed_apart(std::string_view stored) {
  if (stored.size() < kApartHeader) return bad_compression("the compressed state ends in its header");
  const std::size_t size = get_size(stored, 3), orders_at = get_size(stored, 7), orders = get_size(stored, 11),
                    first = get_size(stored, 15);
  if (size > kMaxSnapshot) return bad_compression("the compressed state claims too large a size");
  if (orders > size || orders_at > size - orders || first > stored.size() - kApartHeader) {
    return bad_compression("the compressed state's parts do not fit in it");
  }
  std::string rest(size - orders, '\0');
  std::string snapshot(size, '\0');
  if (!lz4_into(stored.substr(kApartHeader, first), rest.data(), rest.size()) ||
      !lz4_into(stored.substr(kApartHeader + first), snapshot.data() + orders_at, orders)) {
    return bad_compression("the compressed state does not decompress to its size");
  }
  snapshot.replace(0, orders_at, rest, 0, orders_at);
  snapshot.replace(orders_at + orders, size - orders_at - orders, rest, orders_at, std::string::npos);
  return snapshot;
}

Result<std::string> decompressed(std::string_view stored) {
  if (stored.substr(0, kOrdersApart.size()) == kOrdersApart) return decompressed_apart(stored);
  if (stored.size() < kHeader) return bad_compression("the compressed state ends in its header");
  const std::size_t size = get_size(stored, 3);
  if (size > kMaxSnapshot) return bad_compression("the compressed state claims too large a size");
  std::string snapshot(size, '\0');
  if (!lz4_into(stored.substr(kHeader), snapshot.data(), size)) {
    return bad_compression("the compressed state does not decompress to its size");
  }
  return snapshot;
}

}  // namespace

std::string stored_form_of_snapshot(std::string_view snapshot) {
  if (snapshot.size() < kCompressFrom || snapshot.size() > kMaxSnapshot) return std::string(snapshot);
  std::string out(kCompressed);
  out.resize(kHeader);
  put_size(out, 3, snapshot.size());
  if (!append_lz4(out, snapshot)) return std::string(snapshot);
  return out;
}

std::string stored_form_of_snapshot(std::string_view snapshot, std::size_t orders_at, const HeldOrders& orders,
                                    const Program& program) {
  const std::string* kept = orders.kept_snapshot(&program);
  if (!kept || kept->size() < kCompressFrom || snapshot.size() > kMaxSnapshot || orders_at > snapshot.size() ||
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
  std::string out(kOrdersApart);
  out.resize(kApartHeader);
  put_size(out, 3, snapshot.size());
  put_size(out, 7, orders_at);
  put_size(out, 11, kept->size());
  if (!append_lz4(out, rest)) return stored_form_of_snapshot(snapshot);
  put_size(out, 15, out.size() - kApartHeader);
  out += orders_block;
  return out;
}

std::string stored_form(const Program& program, const MemberState& state) {
  return stored_form_of_snapshot(state_snapshot(program, state));
}

Result<MemberState> read_stored_state(const Program& program, std::string_view stored) {
  if (is_compressed(stored)) {
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
  if (is_compressed(stored)) {
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
