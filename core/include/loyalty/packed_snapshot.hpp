// A state snapshot (state_snapshot.hpp) packed with LZ4, as the sync server
// stores a large one and, when asked, sends it: a year of history is ~9 KB
// of snapshot and ~3 KB packed. The core reads both, so that a client opens
// what the server sends as it is (Engine::open_member_snapshot,
// member_state_from_snapshot); packing itself needs liblz4 and is the
// server's.
//
// Two forms, each told by its first three bytes (a plain snapshot begins
// "LCS"); sizes are 4 bytes, little-endian; blocks are LZ4 blocks (the block
// format of lz4's doc/lz4_Block_format.md, no frame):
//   "LCZ"  the snapshot's size, then its block.
//   "LCO"  the snapshot's size, where its held orders begin, their size, the
//          size of the first block; then the block of the snapshot without
//          its orders, then the orders' block. The orders are most of a large
//          state and most requests change none: their block is made once and
//          reused.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "loyalty/error.hpp"

namespace loyalty {

inline constexpr std::string_view kPackedWhole = "LCZ";
inline constexpr std::size_t kPackedWholeHeader = 3 + 4;
inline constexpr std::string_view kPackedOrdersApart = "LCO";
inline constexpr std::size_t kPackedOrdersApartHeader = 3 + 4 * 4;
inline constexpr std::size_t kMaxPackedSnapshot = 64 << 20;  // a larger claimed size is refused, not allocated

bool is_packed_snapshot(std::string_view bytes);

// Decodes the LZ4 block `block` into `into`, which must come out exactly
// `size` bytes long; false for a block that is damaged, too long or too
// short. Never reads or writes outside the two.
using Lz4BlockDecoder = bool (*)(std::string_view block, char* into, std::size_t size);
bool lz4_block_decode(std::string_view block, char* into, std::size_t size);

// The snapshot a packed one holds. `decode` is the core's decoder unless a
// host has a faster one (the server passes liblz4's).
// Error: "state.bad_compression".
Result<std::string> unpacked_snapshot(std::string_view packed, Lz4BlockDecoder decode = lz4_block_decode);

// Writing a size into a header (the packer's; reading is above).
void put_packed_size(std::string& out, std::size_t at, std::size_t size);

}  // namespace loyalty
