// What a task, a check-in day, a referral or a box prize gives. Every reward
// lands as one ledger entry tied to the event that earned it (outcome.hpp).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace loyalty {

struct CouponGrant {
  std::string id;              // the brand's coupon id
  std::int64_t valid_days = 30;  // usable until the end of the local day this many days on
};

struct Reward {
  std::int64_t points = 0;      // into a lot, with the programme's expiry
  std::int64_t growth = 0;
  std::int64_t red_packet = 0;  // cash, in minor units
  std::optional<CouponGrant> coupon;
  std::int64_t box_chances = 0;
  std::int64_t makeup_cards = 0;

  bool empty() const {
    return points == 0 && growth == 0 && red_packet == 0 && !coupon && box_chances == 0 && makeup_cards == 0;
  }
};

}  // namespace loyalty
