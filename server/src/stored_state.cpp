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
constexpr std::size_t kCompressFrom = 1024;  // below, the header and the call cost more than they save
constexpr std::size_t kMaxSnapshot = 64 << 20;

bool is_compressed(std::string_view stored) { return stored.substr(0, kCompressed.size()) == kCompressed; }

Result<std::string> decompressed(std::string_view stored) {
  if (stored.size() < kHeader) return Errors{{"state.bad_compression", "the compressed state ends in its header", ""}};
  std::size_t size = 0;
  for (std::size_t i = 0; i < 4; ++i) size |= static_cast<std::size_t>(static_cast<unsigned char>(stored[3 + i])) << (8 * i);
  if (size > kMaxSnapshot) return Errors{{"state.bad_compression", "the compressed state claims too large a size", ""}};
  std::string snapshot(size, '\0');
  const int n = LZ4_decompress_safe(stored.data() + kHeader, snapshot.data(), static_cast<int>(stored.size() - kHeader),
                                    static_cast<int>(size));
  if (n < 0 || static_cast<std::size_t>(n) != size) {
    return Errors{{"state.bad_compression", "the compressed state does not decompress to its size", ""}};
  }
  return snapshot;
}

}  // namespace

std::string stored_form_of_snapshot(std::string_view snapshot) {
  if (snapshot.size() < kCompressFrom || snapshot.size() > kMaxSnapshot) return std::string(snapshot);
  std::string out(kHeader + static_cast<std::size_t>(LZ4_compressBound(static_cast<int>(snapshot.size()))), '\0');
  out.replace(0, kCompressed.size(), kCompressed);
  for (std::size_t i = 0; i < 4; ++i) out[3 + i] = static_cast<char>((snapshot.size() >> (8 * i)) & 0xff);
  const int n = LZ4_compress_default(snapshot.data(), out.data() + kHeader, static_cast<int>(snapshot.size()),
                                     static_cast<int>(out.size() - kHeader));
  if (n <= 0) return std::string(snapshot);
  out.resize(kHeader + static_cast<std::size_t>(n));
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
