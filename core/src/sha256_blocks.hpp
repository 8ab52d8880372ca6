// SHA-256's block function two ways: the portable rounds (every host, and
// the only one in WASM) and the x86-64 SHA extensions, used natively when the
// CPU has them. Internal: Sha256 picks one; tests hold the two side by side.
#pragma once

#include <array>
#include <cstdint>

namespace loyalty::sha256_blocks {

using State = std::array<std::uint32_t, 8>;

// One 64-byte block into `state`.
void compress_portable(State& state, const std::uint8_t* block);
// The same with the CPU's instructions; false, touching nothing, where it
// has none (and in WASM).
bool compress_with_cpu(State& state, const std::uint8_t* block);
bool cpu_has_sha_instructions();

}  // namespace loyalty::sha256_blocks
