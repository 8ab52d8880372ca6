// SHA-256 and HMAC-SHA-256 (FIPS 180-4, RFC 2104), owned by the core so that
// every host computes the same digests without a crypto library: the server
// signs member tokens and commits to box seeds with them, and a member can
// verify a draw with the very same code.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace loyalty {

using Digest = std::array<std::uint8_t, 32>;

class Sha256 {
 public:
  Sha256();
  void update(std::string_view bytes);
  Digest finish();  // the object must not be used afterwards

 private:
  void compress(const std::uint8_t* block);
  std::array<std::uint32_t, 8> h_;
  std::array<std::uint8_t, 64> buffer_{};
  std::size_t buffered_ = 0;
  std::uint64_t length_ = 0;  // bytes hashed so far
};

Digest sha256(std::string_view bytes);
Digest hmac_sha256(std::string_view key, std::string_view message);

// HMAC with the key's pads hashed once, for many messages under one key
// (a box's seed over many simulated draws).
class HmacSha256 {
 public:
  explicit HmacSha256(std::string_view key);
  Digest mac(std::string_view message) const;

 private:
  Sha256 inner_;
  Sha256 outer_;
};

// Lower-case hex, 64 characters.
std::string to_hex(const Digest& digest);
// Hex digits (either case), two per byte -> the bytes; nullopt if not hex.
std::optional<std::string> bytes_from_hex(std::string_view hex);

// Compares in time that does not depend on where the inputs differ.
bool equal_in_constant_time(std::string_view a, std::string_view b);

}  // namespace loyalty
