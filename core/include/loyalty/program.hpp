// A brand's programme: its tiers, earning, expiry, refund and redemption
// rules, parsed once from JSON (see json_codec.hpp) and read by every
// computation. Every rounding is named here; none is implied.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "loyalty/checked_math.hpp"
#include "loyalty/local_time.hpp"
#include "loyalty/mall.hpp"
#include "loyalty/segments.hpp"
#include "loyalty/task_rules.hpp"

namespace loyalty {

struct Currency {
  std::string code;          // ISO 4217, "CNY"
  std::int32_t minor_units;  // 2: amounts are in fen / cents
};

// "earn `earn` for every `per_minor` minor units", rounded as named.
struct EarnRate {
  std::int64_t earn = 0;
  std::int64_t per_minor = 1;
  Rounding rounding = Rounding::floor;
};

// What tier qualification counts, over the programme's window.
enum class Metric { growth, spend, orders };
inline constexpr std::array<Metric, 3> kMetrics = {Metric::growth, Metric::spend, Metric::orders};
std::string_view metric_name(Metric metric);

// A requirement per metric; absent metrics do not count.
struct Requirement {
  std::array<std::optional<std::int64_t>, 3> by_metric;  // indexed by Metric
  std::optional<std::int64_t>& operator[](Metric m) { return by_metric[static_cast<std::size_t>(m)]; }
  const std::optional<std::int64_t>& operator[](Metric m) const {
    return by_metric[static_cast<std::size_t>(m)];
  }
  bool empty() const;
};

struct Tier {
  std::string id;
  LocalizedText name;
  Requirement qualify;  // to enter; empty for the first tier
  Requirement retain;   // to keep at evaluation; defaults to qualify
  std::int64_t points_multiplier_bp = kBasisPoints;
  std::int64_t discount_bp = 0;  // price discount members of this tier get
  std::vector<std::string> perks;
  std::int64_t birthday_points = 0;  // gift on the member's birthday, once a year
  bool paid_only = false;            // reached by paid membership, never by metrics
};

struct Category {
  std::string id;
  LocalizedText name;
  std::int64_t multiplier_bp = kBasisPoints;
  // false for what is paid but not bought (shipping, gift cards, deposits):
  // its lines earn no points or growth and are not spend toward a tier.
  bool earns = true;
};

struct SkuMultiplier {
  std::string id;
  std::int64_t multiplier_bp = kBasisPoints;
};

// Extra points on local dates [from, to], for all lines or some categories.
struct Campaign {
  std::string id;
  std::int64_t from_day = 0;  // local day numbers, inclusive
  std::int64_t to_day = 0;
  std::int64_t multiplier_bp = kBasisPoints;
  std::vector<std::size_t> categories;  // empty: every category
  std::vector<std::size_t> segments;    // members in one of these earn it; empty: everyone
};

enum class BirthdayScope { day, month };

struct BirthdayBonus {
  std::int64_t multiplier_bp = kBasisPoints;
  BirthdayScope scope = BirthdayScope::day;
};

enum class CapPeriod { day, month };

// The most order points a member earns per local day or month.
struct EarnCap {
  CapPeriod period = CapPeriod::day;
  std::int64_t points = 0;
};

// How the category, SKU, campaign, birthday and tier multipliers of a line combine.
enum class MultiplierCombine {
  multiply,  // base x each, rounding after each step
  add,       // base + base x (m - 1) for each m, never below 0
};

enum class ExpiryPolicy {
  never,
  days,        // at the end of the local day `days` after earning
  period_end,  // as the period `periods` after the earning period ends (0: this one)
};
enum class ExpiryPeriod { month, quarter, year };

// What keeps a member's points from lapsing (expiry.inactivity.counts).
enum class InactivityActivity {
  earn_or_spend,  // an event that earns or spends points
  earn,           // an event that earns points
  order,          // an order
  any_event,      // any event but time passing
};

// Every point lapses at the end of the local day `days` (or the same date
// `months` later) after the member's last activity, besides any lot's own
// expiry; a reminder notice comes `remind_days` before.
struct InactivityExpiry {
  std::int64_t days = 0;    // one of days and months is set
  std::int64_t months = 0;
  InactivityActivity counts = InactivityActivity::earn_or_spend;
  std::int64_t remind_days = 0;  // 0: no reminder
};

struct Expiry {
  ExpiryPolicy policy = ExpiryPolicy::never;
  std::int64_t days = 0;
  ExpiryPeriod period = ExpiryPeriod::year;
  std::int64_t periods = 1;
  std::optional<InactivityExpiry> inactivity;
};

// What a refund does when the points to claw back were already spent.
enum class Shortfall {
  debt,              // the balance shows 0 and a debt, settled by future points
  negative_balance,  // the balance shows below 0 until future points lift it
};

struct Redemption {
  std::int64_t points_per_unit = 100;  // `points_per_unit` points pay `unit_minor`
  std::int64_t unit_minor = 100;
  std::int64_t step = 1;        // points are used in multiples of this
  std::int64_t minimum = 0;     // the least points usable at once
  std::int64_t max_share_bp = kBasisPoints;  // of the order total
};

enum class WindowKind { lifetime, rolling_days, calendar_year, anniversary_year };
enum class Evaluation { none, rolling_daily, calendar_year_end, anniversary };
enum class Downgrade { one_tier, recompute };

struct Qualification {
  bool all = false;  // requirements combine with OR (any) unless all
  WindowKind window = WindowKind::lifetime;
  std::int64_t window_days = 365;
  Evaluation evaluation = Evaluation::none;
  Downgrade downgrade = Downgrade::one_tier;
  std::int64_t grace_days = 0;
};

struct PaidMembership {
  std::size_t tier = 0;
  std::int64_t days = 365;
};

enum class LifecycleStage { new_member, active, silent, sleeping, lost };
std::string_view lifecycle_stage_name(LifecycleStage stage);  // "new", "active", ...

// A recall offer (召回): a member who enters `stage` is offered x`multiplier_bp`
// points on the next order placed within `days` of entering it; given once
// per entry (recall.hpp).
struct RecallOffer {
  std::string id;
  LocalizedText name;
  LifecycleStage stage = LifecycleStage::sleeping;  // silent, sleeping or lost
  std::int64_t multiplier_bp = kBasisPoints;
  std::int64_t days = 14;
};

// Days since the last activity at which a member becomes silent, sleeping, lost.
struct Lifecycle {
  std::int64_t new_days = 30;
  std::int64_t silent_days = 30;
  std::int64_t sleeping_days = 90;
  std::int64_t lost_days = 180;
  std::vector<RecallOffer> recall;  // at most one per stage
};

// How the authoritative server treats the time a client claims for an event:
// kept, and used only when within this much of the server's clock.
struct SyncRules {
  std::int64_t claimed_time_skew_seconds = 300;
};

// What a new version of a programme says of the tiers and categories an
// earlier version had and it has not: the tier or category of its own that
// an old one becomes where a state names it (its tier, its held orders'
// categories) or a cart's line does. Only ids this version lacks are mapped.
struct Migration {
  std::map<std::string, std::size_t, std::less<>> tiers;
  std::map<std::string, std::size_t, std::less<>> categories;
  bool empty() const { return tiers.empty() && categories.empty(); }
};

struct Program {
  std::int64_t schema = 1;
  std::string id;
  std::int64_t version = 1;
  LocalizedText name;
  Currency currency;
  std::int32_t utc_offset_minutes = 0;
  std::vector<Tier> tiers;  // ascending; tiers[0] qualifies everyone
  Qualification qualification;
  EarnRate points;
  std::optional<EarnRate> growth;  // absent: orders earn no growth
  std::vector<Category> categories;
  std::vector<SkuMultiplier> skus;
  std::vector<Campaign> campaigns;
  std::optional<BirthdayBonus> birthday;
  std::vector<EarnCap> caps;
  MultiplierCombine combine = MultiplierCombine::multiply;
  std::int64_t pending_days = 0;  // points vest this long after the order
  Rounding discount_rounding = Rounding::half_up;
  Expiry expiry;
  Shortfall shortfall = Shortfall::debt;
  std::int64_t refund_window_days = 90;  // orders are kept, and refundable, this long
  std::optional<Redemption> redemption;
  std::optional<PaidMembership> paid_membership;
  Lifecycle lifecycle;
  SyncRules sync;
  TaskRules tasks;
  MallRules mall;
  std::vector<Segment> segments;
  std::optional<Experiment> experiment;
  bool segment_windows = false;  // a segment counts spend or orders over days: activity is kept for it
  Migration migrate;

  std::optional<std::size_t> tier_index(std::string_view id) const;
  std::optional<std::size_t> category_index(std::string_view id) const;
  std::optional<std::size_t> segment_index(std::string_view id) const;
  // A tier or category a member's state (or a cart's line) names: this
  // programme's own, or one of an earlier version that `migrate` maps.
  std::optional<std::size_t> held_tier_index(std::string_view id) const;
  std::optional<std::size_t> held_category_index(std::string_view id) const;
  std::optional<std::int64_t> sku_multiplier(std::string_view sku) const;

  // Built by the parser: id -> index, so hot paths look up in O(log n).
  std::map<std::string, std::size_t, std::less<>> tier_by_id;
  std::map<std::string, std::size_t, std::less<>> category_by_id;
  std::map<std::string, std::size_t, std::less<>> sku_by_id;
};

// Limits that keep a programme a programme and not a denial of service.
inline constexpr std::size_t kMaxTiers = 64;
inline constexpr std::size_t kMaxCategories = 1000;
inline constexpr std::size_t kMaxSkuMultipliers = 10000;
inline constexpr std::size_t kMaxCampaigns = 100;
inline constexpr std::int64_t kMaxMultiplierBp = 100 * kBasisPoints;  // x100
inline constexpr std::int64_t kMaxDays = 36600;                        // 100 years

}  // namespace loyalty
