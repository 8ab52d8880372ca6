#include "history_generator.hpp"

#include <algorithm>
#include <cstdio>
#include <set>
#include <stdexcept>
#include <vector>

#include "loyalty/json_codec.hpp"
#include "loyalty/local_time.hpp"
#include "loyalty/mall.hpp"
#include "loyalty/member_state.hpp"
#include "loyalty/sha256.hpp"

namespace loyalty::server {

namespace {

constexpr std::int64_t kDayMs = 86400000;
constexpr std::int64_t kHourMs = 3600000;
constexpr std::int64_t kMillion = 1000000;

// splitmix64 over a counter: the same numbers on every machine and compiler
// (std's distributions are not specified to be).
class Random {
 public:
  explicit Random(std::uint64_t state) : state_(state) {}
  std::uint64_t next() {
    std::uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
  std::int64_t below(std::int64_t n) { return static_cast<std::int64_t>(next() % static_cast<std::uint64_t>(n)); }
  std::int64_t between(std::int64_t low, std::int64_t high) { return low + below(high - low + 1); }
  bool chance(std::int64_t per_million) { return below(kMillion) < per_million; }

 private:
  std::uint64_t state_;
};

// One generator per member and purpose, so that a member's history does not
// depend on the members before it (and can be made again on its own).
Random stream(std::uint64_t seed, std::int64_t member, std::uint64_t purpose) {
  Random mix(seed * 0x2545f4914f6cdd1dULL + purpose);
  return Random(mix.next() ^ (static_cast<std::uint64_t>(member) * 0x9e3779b97f4a7c15ULL));
}

// A kind of member: its share of members, daily chances (per million, for
// an active member on an ordinary day) and its basket.
struct Habits {
  const char* name;
  std::int64_t share_percent;
  std::int64_t order, checkin, like, share, scan, draw, redeem;
  std::int64_t most_lines;
  std::int64_t dearest_minor;  // the highest unit price
  std::int64_t peak_times;     // orders on a peak day, times an ordinary day's
};
constexpr Habits kHabits[] = {
    {"loyal", 15, 180000, 700000, 250000, 80000, 40000, 400000, 40000, 4, 6000, 3},
    {"regular", 35, 70000, 250000, 80000, 25000, 15000, 150000, 15000, 3, 5000, 3},
    {"occasional", 40, 20000, 40000, 15000, 4000, 8000, 20000, 5000, 3, 8000, 3},
    {"deal_hunter", 10, 35000, 950000, 600000, 300000, 100000, 900000, 60000, 2, 3000, 6},
};

// The generator's own lifecycle (the core's lifecycle is computed from what
// members do; this is what makes them do less).
enum Stage { kActive, kSilent, kSleeping, kLost };
constexpr const char* kStageNames[] = {"active", "silent", "sleeping", "lost"};
constexpr std::int64_t kStageActivityPerMille[] = {1000, 300, 100, 0};

Stage next_stage(Stage stage, Random& r) {
  switch (stage) {
    case kActive: return r.chance(4000) ? kSilent : kActive;
    case kSilent: return r.chance(15000) ? kSleeping : r.chance(8000) ? kActive : kSilent;
    case kSleeping: return r.chance(8000) ? kLost : r.chance(4000) ? kActive : kSleeping;
    case kLost: return r.chance(600) ? kActive : kLost;
  }
  return stage;
}

// The Spring Festival's first day (it follows the lunar calendar).
constexpr LocalDate kSpringFestivals[] = {{2024, 2, 10}, {2025, 1, 29}, {2026, 2, 17}, {2027, 2, 6},
                                          {2028, 1, 26}, {2029, 2, 13}, {2030, 2, 3}, {2031, 1, 23}};

// Local day numbers of the peaks (11.11, 618, the Spring Festival) in the years the period touches.
std::set<std::int64_t> peak_days(std::int64_t first_day, std::int64_t days) {
  std::set<std::int64_t> peaks;
  const int from_year = date_from_day_number(first_day).year;
  const int to_year = date_from_day_number(first_day + days).year;
  for (int year = from_year; year <= to_year; ++year) {
    peaks.insert(day_number_from_date({year, 11, 11}));
    peaks.insert(day_number_from_date({year, 6, 18}));
  }
  for (const LocalDate& d : kSpringFestivals) peaks.insert(day_number_from_date(d));
  return peaks;
}

// Orders on `day`, in tenths of an ordinary day's: ×peak on a peak day, ×1.5 in the week before.
std::int64_t peak_tenths(const std::set<std::int64_t>& peaks, std::int64_t day, std::int64_t peak_times) {
  if (peaks.count(day)) return peak_times * 10;
  const auto next = peaks.upper_bound(day);
  return next != peaks.end() && *next - day <= 7 ? 15 : 10;
}

std::string member_id(std::int64_t index) {
  char id[24];
  std::snprintf(id, sizeof id, "g-%07lld", static_cast<long long>(index));
  return id;
}

struct Joining {
  std::int64_t day = 0;        // from the period's start
  TimeMs at = 0;
  std::int64_t inviter = -1;   // a member index, or -1
};

struct Timed {
  TimeMs at;
  Json event;  // without its id when the generator numbers it
};

class Generator {
 public:
  Generator(const Program& program, const HistoryOptions& options)
      : program_(program), options_(options),
        first_day_(local_day_number(options.start, program.utc_offset_minutes)),
        peaks_(peak_days(first_day_, options.days)) {
    char seed_hex[17];
    std::snprintf(seed_hex, sizeof seed_hex, "%016llx", static_cast<unsigned long long>(options.seed));
    seed_hex_ = seed_hex;
    for (std::size_t c = 0; c < program.categories.size(); ++c) {
      if (program.categories[c].earns) earning_categories_.push_back(c);
    }
    if (earning_categories_.empty()) earning_categories_.push_back(0);
    for (const LimitedTask& task : program.tasks.limited) sharing_ |= task.action == TaskAction::share;
    for (const Box& box : program.tasks.boxes) {
      if (box.free_per_day > 0 && !free_box_) free_box_ = &box;
    }
    // Mall items any member may redeem with points alone (cash parts and
    // offers to tiers or segments come from elsewhere).
    for (const MallItem& item : program.mall.items) {
      if (item.cash == 0 && item.tiers.empty() && item.segments.empty()) mall_items_.push_back(&item);
    }
    // Who invited whom, first: an inviter's history holds its invitees' referral events.
    joinings_.resize(static_cast<std::size_t>(options.members));
    invitees_.resize(joinings_.size());
    for (std::int64_t i = 0; i < options.members; ++i) {
      Joining& j = joinings_[static_cast<std::size_t>(i)];
      Random r = stream(options.seed, i, 1);
      j.day = i * (options.days * 4 / 5) / options.members;
      j.at = options.start + j.day * kDayMs + r.between(8 * kHourMs, 21 * kHourMs);
      if (program.tasks.referral && i > 0 && r.chance(143000)) {
        const std::int64_t candidate = r.below(i);
        if (joinings_[static_cast<std::size_t>(candidate)].day < j.day) {
          j.inviter = candidate;
          invitees_[static_cast<std::size_t>(candidate)].push_back(i);
        }
      }
    }
  }

  void write(std::ostream& out, HistoryStatistics& stats) {
    stats.members = options_.members;
    for (std::int64_t i = 0; i < options_.members; ++i) {
      const Joining& j = joinings_[static_cast<std::size_t>(i)];
      const std::string id = member_id(i);
      Json join = {{"member_id", id}, {"joined_at", j.at}};
      if (j.inviter >= 0) {
        join["inviter"] = member_id(j.inviter);
        stats.invited += 1;
      }
      out << join.dump() << '\n';
      Stage stage = kActive;
      std::vector<Timed> events = member_events(i, &stats, &stage);
      stats.stage_at_end[kStageNames[stage]] += 1;
      for (const Timed& t : events) {
        out << "{\"member_id\":\"" << id << "\",\"event\":" << t.event.dump() << "}\n";
        stats.events += 1;
        stats.events_by_type[t.event["type"].get<std::string>()] += 1;
      }
    }
  }

 private:
  // The member's events in time order, numbered; with `stats`, counted.
  // Without `referrals`, only what the member does itself (to find its first order).
  std::vector<Timed> member_events(std::int64_t index, HistoryStatistics* stats, Stage* final_stage,
                                   bool referrals = true) {
    const Joining& joining = joinings_[static_cast<std::size_t>(index)];
    Random r = stream(options_.seed, index, 2);
    std::int64_t roll = r.below(100);
    const Habits* habits = &kHabits[0];
    for (const Habits& h : kHabits) {
      habits = &h;
      if (roll < h.share_percent) break;
      roll -= h.share_percent;
    }
    if (stats) stats->members_by_kind[habits->name] += 1;

    std::vector<Timed> events;
    if (referrals && joining.inviter >= 0) {
      events.push_back({joining.at, {{"id", "join:referred"}, {"type", "referred"}, {"inviter", member_id(joining.inviter)}}});
    }
    // The inviter's side, as the server delivers it from the outbox.
    for (std::int64_t invitee : referrals ? invitees_[static_cast<std::size_t>(index)] : std::vector<std::int64_t>{}) {
      const std::string who = member_id(invitee);
      events.push_back({joinings_[static_cast<std::size_t>(invitee)].at,
                        {{"id", "referral:" + who + ":joined"}, {"type", "referral"}, {"invitee", who}, {"stage", "joined"}}});
      if (program_.tasks.referral->reward_on == ReferralTrigger::first_order) {
        if (const auto first = first_order_at(invitee)) {
          events.push_back({*first + 1, {{"id", "referral:" + who + ":first_order"}, {"type", "referral"},
                                         {"invitee", who}, {"stage", "first_order"}}});
        }
      }
    }

    Stage stage = kActive;
    // What the member could spend, counted low (base rate and category
    // multipliers only, once vested, less refunds): when a redemption is plausible.
    std::int64_t points_estimate = 0;
    std::vector<std::pair<std::int64_t, std::int64_t>> vesting;  // (day it counts, points)
    std::int64_t orders = 0;
    std::int64_t scans = 0;
    MemberState mall_shadow;  // the member's redemptions, as the core counts them against limits
    const TimeMs end = options_.start + options_.days * kDayMs - 1;
    for (std::int64_t day = joining.day; day < options_.days; ++day) {
      if (day > joining.day) stage = next_stage(stage, r);
      vesting.erase(std::remove_if(vesting.begin(), vesting.end(),
                                   [&](const std::pair<std::int64_t, std::int64_t>& v) {
                                     if (v.first > day) return false;
                                     points_estimate += v.second;
                                     return true;
                                   }),
                    vesting.end());
      const std::int64_t activity = kStageActivityPerMille[stage];
      if (activity == 0) continue;
      const std::int64_t local_day = first_day_ + day;
      const TimeMs day_start = options_.start + day * kDayMs;
      const TimeMs opens = std::max(day_start + 8 * kHourMs, day == joining.day ? joining.at + 1 : 0);
      if (opens >= day_start + 22 * kHourMs) continue;
      const auto at = [&] { return r.between(opens, day_start + 22 * kHourMs); };
      const auto daily = [&](std::int64_t per_million) { return r.chance(per_million * activity / 1000); };

      if (daily(habits->order * peak_tenths(peaks_, local_day, habits->peak_times) / 10)) {
        const TimeMs when = at();
        const std::string order_id = "o" + std::to_string(index) + "-" + std::to_string(++orders);
        Json lines = Json::array();
        std::int64_t total = 0;
        std::int64_t earned_bp = 0;  // minor units times basis points
        const std::int64_t line_count = r.between(1, habits->most_lines);
        for (std::int64_t l = 0; l < line_count; ++l) {
          const std::size_t category = earning_categories_[static_cast<std::size_t>(
              r.below(static_cast<std::int64_t>(earning_categories_.size())))];
          const std::int64_t price = r.between(300, habits->dearest_minor);
          const std::int64_t quantity = r.between(1, 3);
          total += price * quantity;
          earned_bp += price * quantity * program_.categories[category].multiplier_bp;
          lines.push_back({{"sku", program_.categories[category].id + "-" + std::to_string(r.below(20))},
                           {"category", program_.categories[category].id},
                           {"unit_price", price},
                           {"quantity", quantity}});
        }
        Json order = {{"type", "order"}, {"at", when}, {"order_id", order_id}, {"lines", lines}};
        if (program_.redemption && r.chance(200000)) {
          // Points paid at checkout: up to half of what the member holds, within the programme's share.
          const Redemption& p = *program_.redemption;
          const std::int64_t most = std::min(points_estimate / 2, total * p.max_share_bp / 10000 * p.points_per_unit / p.unit_minor);
          const std::int64_t points = most / std::max<std::int64_t>(p.step, 1) * std::max<std::int64_t>(p.step, 1);
          if (points > 0 && points >= p.minimum) {
            order["redeem_points"] = points;
            points_estimate -= points;
          }
        }
        events.push_back({when, order});
        if (stats) {
          stats->order_lines += line_count;
          stats->paid_minor += total;
          stats->orders_by_month[date_from_day_number(local_day).iso().substr(0, 7)] += 1;
        }
        const std::int64_t earned = earned_bp / 10000 * program_.points.earn / std::max<std::int64_t>(program_.points.per_minor, 1);
        // About one order in twenty comes back within days, whole or one item of its first line.
        if (!r.chance(50000)) {
          vesting.push_back({day + program_.pending_days + 1, earned});
        } else {
          const TimeMs back = std::min(when + r.between(1, 10) * kDayMs, end - 1);
          Json refund = {{"type", "refund"}, {"at", back}, {"order_id", order_id}};
          if (r.chance(400000)) refund["lines"] = Json::array({{{"line", 0}, {"quantity", 1}}});
          events.push_back({back, refund});
          if (stats) stats->refunded_orders += 1;
        }
      }
      if (program_.tasks.checkin && daily(habits->checkin)) {
        events.push_back({at(), {{"type", "checkin"}}});
      }
      const std::string date = date_from_day_number(local_day).iso();
      if (program_.tasks.likes && daily(habits->like)) {
        events.push_back({at(), {{"type", "like"}, {"article", "a-" + date + "-" + std::to_string(r.below(12))}}});
      }
      if (sharing_ && daily(habits->share)) {
        events.push_back({at(), {{"type", "share"}, {"article", "a-" + date + "-" + std::to_string(r.below(12))}}});
      }
      if (program_.tasks.scans && daily(habits->scan)) {
        std::string code = "G" + seed_hex_ + "-" + std::to_string(index) + "-" + std::to_string(++scans);
        const auto& batches = program_.tasks.scans->batches;
        if (!batches.empty() && date.compare(5, 2, "12") == 0 && r.chance(300000)) code = batches.front().prefix + code;
        events.push_back({at(), {{"type", "scan"}, {"code", code}}});
      }
      if (free_box_ && daily(habits->draw)) {
        // The day's seed, the same for every member, as the server makes one a window.
        const std::string seed = to_hex(sha256(seed_hex_ + "/" + free_box_->id + "/" + date));
        events.push_back({at(), {{"type", "draw"}, {"box", free_box_->id}, {"seed", seed}}});
      }
      if (program_.redemption && daily(habits->redeem)) {
        const Redemption& p = *program_.redemption;
        const std::int64_t step = std::max<std::int64_t>(p.step, 1);
        const std::int64_t points = points_estimate / 3 / step * step;
        if (points > 0 && points >= p.minimum) {
          events.push_back({at(), {{"type", "redeem"}, {"points", points}, {"reward_id", "gift-" + std::to_string(r.below(8))}}});
          points_estimate -= points;
        }
      }
      if (!mall_items_.empty() && daily(habits->redeem)) {
        const MallItem* item = mall_items_[static_cast<std::size_t>(r.below(static_cast<std::int64_t>(mall_items_.size())))];
        if (item->points * 3 <= points_estimate && within_limits(*item, local_day, mall_shadow)) {
          const TimeMs when = at();
          events.push_back({when, {{"type", "mall_redeem"}, {"item", item->id}}});
          MallRedemption made;
          made.item = item->id;
          made.at = when;
          mall_shadow.tasks.mall.push_back(std::move(made));
          points_estimate -= item->points;
        }
      }
    }
    events.push_back({end, {{"type", "time_passes"}}});

    std::stable_sort(events.begin(), events.end(), [](const Timed& a, const Timed& b) { return a.at < b.at; });
    std::int64_t number = 0;
    for (Timed& t : events) {
      t.event["at"] = t.at;
      if (!t.event.contains("id")) t.event["id"] = "g" + std::to_string(index) + "-" + std::to_string(++number);
    }
    if (final_stage) *final_stage = stage;
    return events;
  }

  // Whether one more unit of `item` on `day` keeps to its dates and the member's limits.
  bool within_limits(const MallItem& item, std::int64_t day, const MemberState& shadow) const {
    if ((item.from_day && day < *item.from_day) || (item.to_day && day > *item.to_day)) return false;
    const MallUsed used = mall_used(program_, shadow, item, day);
    const MallLimits& l = item.limits;
    return (l.per_day == 0 || used.day < l.per_day) && (l.per_month == 0 || used.month < l.per_month) &&
           (l.total == 0 || used.total < l.total);
  }

  // When the member first orders, if ever: made again from its own stream.
  std::optional<TimeMs> first_order_at(std::int64_t index) {
    for (const Timed& t : member_events(index, nullptr, nullptr, false)) {
      if (t.event["type"] == "order") return t.at;
    }
    return std::nullopt;
  }

  const Program& program_;
  const HistoryOptions& options_;
  const std::int64_t first_day_;
  const std::set<std::int64_t> peaks_;
  std::string seed_hex_;
  std::vector<std::size_t> earning_categories_;
  bool sharing_ = false;
  const Box* free_box_ = nullptr;
  std::vector<const MallItem*> mall_items_;
  std::vector<Joining> joinings_;
  std::vector<std::vector<std::int64_t>> invitees_;
};

}  // namespace

HistoryStatistics generate_history(const Program& program, const HistoryOptions& options, std::ostream& out) {
  if (options.members < 1 || options.members > 10000000) throw std::invalid_argument("--members must be 1 to 10,000,000");
  if (options.days < 1 || options.days > 3660) throw std::invalid_argument("--days must be 1 to 3,660");
  HistoryStatistics stats;
  Generator(program, options).write(out, stats);
  return stats;
}

}  // namespace loyalty::server
