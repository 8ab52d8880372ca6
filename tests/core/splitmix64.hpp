// splitmix64: a generator whose sequence is ours, so seeded tests draw the
// same cases with every compiler and standard library.
#pragma once

#include <cstdint>

namespace loyalty::testing {

struct SplitMix64 {
  std::uint64_t state;
  std::uint64_t next() {
    std::uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
  // Uniform enough for test inputs (n is small; the bias is immaterial here).
  std::int64_t below(std::int64_t n) {
    return static_cast<std::int64_t>(next() % static_cast<std::uint64_t>(n));
  }
};

}  // namespace loyalty::testing
