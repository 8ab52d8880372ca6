// Treasure-box draws. The outcome is a pure function of (server seed,
// member id, box id, nonce): HMAC-SHA-256 keyed with the seed, over
// "member\nbox\nnonce", read as a stream of 64-bit big-endian numbers, and an
// integer weighted choice that rejects the few numbers that would favour
// low prizes (no modulo bias). The server publishes SHA-256(seed) before a
// draw window and the seed after it, so a member recomputes every outcome
// with this same code.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "loyalty/error.hpp"
#include "loyalty/event.hpp"
#include "loyalty/sha256.hpp"
#include "loyalty/task_rules.hpp"

namespace loyalty {

// Uniform 64-bit numbers: block k is HMAC(seed, message + "\n" + k), four numbers each.
class DrawStream {
 public:
  DrawStream(const HmacSha256& key, std::string message) : key_(key), message_(std::move(message) + "\n") {
    numbered_from_ = message_.size();
  }
  std::uint64_t next();

 private:
  const HmacSha256& key_;
  std::string message_;  // the message, "\n", and the number of the block being made
  std::size_t numbered_from_ = 0;
  Digest block_{};
  std::size_t used_ = 4;  // numbers taken from block_
  std::uint64_t blocks_ = 0;
};

std::string draw_message(const std::string& member_id, const std::string& box_id, std::int64_t nonce);

// An index with probability weights[i] / sum(weights); sum must be > 0.
std::size_t weighted_choice(const std::vector<std::int64_t>& weights, DrawStream& stream);

struct DrawResult {
  std::size_t prize = 0;
  bool fallback = false;  // the drawn prize was out; the programme's fallback was given
  bool redrawn = false;   // the drawn prize was out; drawn again among those left
};

// Whether a prize can still be given: stock left and within today's budget.
bool prize_available(const Prize& prize, const DrawInput& input);

// Error "box.sold_out" when no prize can be given.
Result<DrawResult> draw_prize(const Box& box, const DrawInput& input, const HmacSha256& seed,
                              const std::string& member_id, std::int64_t nonce);

struct PrizeOdds {
  std::size_t prize = 0;
  std::int64_t weight = 0;
  std::int64_t per_million = 0;  // rounded half up
};

std::vector<PrizeOdds> box_odds(const Box& box);

// The commitment the server publishes: lower-case hex SHA-256 of the seed's bytes.
std::string seed_commitment(const std::string& seed);

}  // namespace loyalty
