#include "loyalty/draw.hpp"

#include <charconv>

#include "loyalty/checked_math.hpp"

namespace loyalty {

std::uint64_t DrawStream::next() {
  if (used_ == 4) {
    // message "\n" block number, written over the last one's in place.
    char digits[20];
    const auto written = std::to_chars(digits, digits + sizeof digits, blocks_++).ptr;
    message_.resize(numbered_from_);
    message_.append(digits, static_cast<std::size_t>(written - digits));
    block_ = key_.mac(message_);
    used_ = 0;
  }
  std::uint64_t v = 0;
  for (std::size_t i = 0; i < 8; ++i) v = (v << 8) | block_[used_ * 8 + i];
  ++used_;
  return v;
}

std::string draw_message(const std::string& member_id, const std::string& box_id, std::int64_t nonce) {
  return member_id + "\n" + box_id + "\n" + std::to_string(nonce);
}

std::size_t weighted_choice(const std::vector<std::int64_t>& weights, DrawStream& stream) {
  std::uint64_t total = 0;
  for (std::int64_t w : weights) total += static_cast<std::uint64_t>(w);
  // 2^64 mod total: the numbers at the very top that would make low values likelier.
  const std::uint64_t excess = (UINT64_MAX % total + 1) % total;
  std::uint64_t x = stream.next();
  while (x > UINT64_MAX - excess) x = stream.next();
  std::uint64_t r = x % total;
  for (std::size_t i = 0; i < weights.size(); ++i) {
    const auto w = static_cast<std::uint64_t>(weights[i]);
    if (r < w) return i;
    r -= w;
  }
  return weights.size() - 1;  // not reached: r < total
}

bool prize_available(const Prize& prize, const DrawInput& input) {
  if (auto it = input.stock.find(prize.id); it != input.stock.end() && it->second <= 0) return false;
  if (input.points_left && prize.reward.points > *input.points_left) return false;
  if (input.red_packet_left && prize.reward.red_packet > *input.red_packet_left) return false;
  return true;
}

Result<DrawResult> draw_prize(const Box& box, const DrawInput& input, const HmacSha256& seed,
                              const std::string& member_id, std::int64_t nonce) {
  DrawStream stream(seed, draw_message(member_id, box.id, nonce));
  std::vector<std::int64_t> weights;
  weights.reserve(box.prizes.size());
  for (const Prize& p : box.prizes) weights.push_back(p.weight);
  DrawResult result;
  result.prize = weighted_choice(weights, stream);
  if (prize_available(box.prizes[result.prize], input)) return result;
  if (box.fallback && prize_available(box.prizes[*box.fallback], input)) {
    result.prize = *box.fallback;
    result.fallback = true;
    return result;
  }
  std::int64_t left = 0;
  for (std::size_t i = 0; i < box.prizes.size(); ++i) {
    if (!prize_available(box.prizes[i], input)) weights[i] = 0;
    left += weights[i];
  }
  if (left == 0) return Error{"box.sold_out", "every prize of this box is given out for now", "event.box"};
  result.prize = weighted_choice(weights, stream);
  result.redrawn = true;
  return result;
}

std::vector<PrizeOdds> box_odds(const Box& box) {
  std::vector<PrizeOdds> odds;
  for (std::size_t i = 0; i < box.prizes.size(); ++i) {
    const std::int64_t w = box.prizes[i].weight;
    odds.push_back({i, w, box.total_weight == 0 ? 0 : *mul_div(w, 1000000, box.total_weight, Rounding::half_up)});
  }
  return odds;
}

std::string seed_commitment(const std::string& seed) { return to_hex(sha256(seed)); }

}  // namespace loyalty
