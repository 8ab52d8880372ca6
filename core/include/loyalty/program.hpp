// A brand's programme: its tiers and earning rules, parsed once from JSON
// (see program_json.hpp) and then read by every computation.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "loyalty/checked_math.hpp"

namespace loyalty {

// Text a member reads, by locale ("zh-CN", "en"). The core never shows it;
// it carries it so that every client names a tier the same way.
using LocalizedText = std::map<std::string, std::string>;

struct Currency {
  std::string code;        // ISO 4217, "CNY"
  std::int32_t minor_units;  // 2: amounts are in fen / cents
};

// "earn `earn` for every `per_minor` minor units", rounded as named.
struct EarnRate {
  std::int64_t earn = 0;
  std::int64_t per_minor = 1;
  Rounding rounding = Rounding::floor;
};

struct Tier {
  std::string id;
  LocalizedText name;
  std::int64_t threshold = 0;              // growth needed to qualify
  std::int64_t points_multiplier_bp = kBasisPoints;
  std::int64_t discount_bp = 0;            // price discount members of this tier get
};

struct Category {
  std::string id;
  LocalizedText name;
  std::int64_t multiplier_bp = kBasisPoints;
};

// How the category and tier multipliers of one line combine.
enum class MultiplierCombine {
  multiply,  // base x category x tier, rounding after each step
  add,       // base + base x (category - 1) + base x (tier - 1)
};

struct Program {
  std::int64_t schema = 1;
  std::string id;
  std::int64_t version = 1;
  LocalizedText name;
  Currency currency;
  std::int32_t utc_offset_minutes = 0;
  std::vector<Tier> tiers;  // ascending thresholds; tiers[0].threshold == 0
  EarnRate points;
  std::optional<EarnRate> growth;  // absent: orders earn no growth
  std::vector<Category> categories;
  MultiplierCombine combine = MultiplierCombine::multiply;
  Rounding discount_rounding = Rounding::half_up;

  std::optional<std::size_t> tier_index(std::string_view id) const;
  std::optional<std::size_t> category_index(std::string_view id) const;

  // Built by the parser: id -> index, so hot paths look up in O(log n).
  std::map<std::string, std::size_t, std::less<>> tier_by_id;
  std::map<std::string, std::size_t, std::less<>> category_by_id;
};

// Limits that keep a programme a programme and not a denial of service.
inline constexpr std::size_t kMaxTiers = 64;
inline constexpr std::size_t kMaxCategories = 1000;
inline constexpr std::int64_t kMaxMultiplierBp = 100 * kBasisPoints;  // x100

}  // namespace loyalty
