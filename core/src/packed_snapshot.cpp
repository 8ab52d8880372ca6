#include "loyalty/packed_snapshot.hpp"

#include <cstring>

namespace loyalty {
namespace {

std::size_t get_size(std::string_view packed, std::size_t at) {
  std::size_t size = 0;
  for (std::size_t i = 0; i < 4; ++i) size |= static_cast<std::size_t>(static_cast<unsigned char>(packed[at + i])) << (8 * i);
  return size;
}

Errors bad_compression(const char* message) { return Errors{{"state.bad_compression", message, "state"}}; }

// An LZ4 block grows at most ~255 times: a claim beyond that is damage, and
// is refused before the memory is taken.
bool claim_too_large(std::size_t size, std::size_t packed_size) {
  return size > kMaxPackedSnapshot || size > packed_size * 255 + 64;
}

// A length of an LZ4 sequence: the token's four bits, and when they are 15,
// bytes added until one is not 255. False if the block ends first.
bool read_length(const unsigned char*& in, const unsigned char* end, std::size_t& length) {
  if (length != 15) return true;
  unsigned char more = 255;
  while (more == 255) {
    if (in == end) return false;
    more = *in++;
    length += more;
  }
  return true;
}

Result<std::string> unpacked_whole(std::string_view packed, Lz4BlockDecoder decode) {
  if (packed.size() < kPackedWholeHeader) return bad_compression("the compressed state ends in its header");
  const std::size_t size = get_size(packed, 3);
  if (claim_too_large(size, packed.size())) return bad_compression("the compressed state claims too large a size");
  std::string snapshot(size, '\0');
  if (!decode(packed.substr(kPackedWholeHeader), snapshot.data(), size)) {
    return bad_compression("the compressed state does not decompress to its size");
  }
  return snapshot;
}

Result<std::string> unpacked_apart(std::string_view packed, Lz4BlockDecoder decode) {
  if (packed.size() < kPackedOrdersApartHeader) return bad_compression("the compressed state ends in its header");
  const std::size_t size = get_size(packed, 3), orders_at = get_size(packed, 7), orders = get_size(packed, 11),
                    first = get_size(packed, 15);
  if (claim_too_large(size, packed.size())) return bad_compression("the compressed state claims too large a size");
  if (orders > size || orders_at > size - orders || first > packed.size() - kPackedOrdersApartHeader) {
    return bad_compression("the compressed state's parts do not fit in it");
  }
  // The rest goes to the front of the snapshot and is moved apart to make
  // room for the orders, which are decoded into their place.
  std::string snapshot(size, '\0');
  if (!decode(packed.substr(kPackedOrdersApartHeader, first), snapshot.data(), size - orders)) {
    return bad_compression("the compressed state does not decompress to its size");
  }
  std::memmove(snapshot.data() + orders_at + orders, snapshot.data() + orders_at, size - orders - orders_at);
  if (!decode(packed.substr(kPackedOrdersApartHeader + first), snapshot.data() + orders_at, orders)) {
    return bad_compression("the compressed state does not decompress to its size");
  }
  return snapshot;
}

}  // namespace

bool is_packed_snapshot(std::string_view bytes) {
  const std::string_view magic = bytes.substr(0, 3);
  return magic == kPackedWhole || magic == kPackedOrdersApart;
}

// A block is sequences of a token (literals' length, match length), the
// literals, a match's 2-byte offset back into what is decoded; the last
// sequence has literals only.
bool lz4_block_decode(std::string_view block, char* into, std::size_t size) {
  const auto* in = reinterpret_cast<const unsigned char*>(block.data());
  const unsigned char* const end = in + block.size();
  std::size_t out = 0;
  while (in != end) {
    const unsigned token = *in++;
    std::size_t literals = token >> 4;
    if (!read_length(in, end, literals)) return false;
    if (literals > static_cast<std::size_t>(end - in) || literals > size - out) return false;
    std::memcpy(into + out, in, literals);
    in += literals;
    out += literals;
    if (in == end) break;
    if (end - in < 2) return false;
    const std::size_t offset = in[0] | static_cast<std::size_t>(in[1]) << 8;
    in += 2;
    std::size_t match = token & 15;
    if (!read_length(in, end, match)) return false;
    match += 4;
    if (offset == 0 || offset > out || match > size - out) return false;
    const char* from = into + out - offset;
    if (offset >= match) {
      std::memcpy(into + out, from, match);
    } else {  // the match repeats bytes it writes
      for (std::size_t i = 0; i < match; ++i) into[out + i] = from[i];
    }
    out += match;
  }
  return out == size;
}

Result<std::string> unpacked_snapshot(std::string_view packed, Lz4BlockDecoder decode) {
  if (packed.substr(0, 3) == kPackedOrdersApart) return unpacked_apart(packed, decode);
  if (packed.substr(0, 3) == kPackedWhole) return unpacked_whole(packed, decode);
  return bad_compression("not a compressed state");
}

void put_packed_size(std::string& out, std::size_t at, std::size_t size) {
  for (std::size_t i = 0; i < 4; ++i) out[at + i] = static_cast<char>((size >> (8 * i)) & 0xff);
}

}  // namespace loyalty
