// The programme's "tasks" section <-> JSON.
#include <algorithm>
#include <set>

#include "task_json.hpp"
#include "writers.hpp"

namespace loyalty {

using json_reader::each_item;
using json_reader::ObjectReader;
using json_reader::ValueReader;

namespace {

constexpr std::int64_t kMaxCount = 1000000;

}  // namespace

Reward read_reward(ValueReader& reader, const JsonValue& v, const std::string& path) {
  ObjectReader obj(reader, v, path);
  Reward r;
  obj.integer_into("points", r.points, 0, kMaxSafeInteger);
  obj.integer_into("growth", r.growth, 0, kMaxSafeInteger);
  obj.integer_into("red_packet", r.red_packet, 0, kMaxSafeInteger);
  obj.integer_into("box_chances", r.box_chances, 0, kMaxCount);
  obj.integer_into("makeup_cards", r.makeup_cards, 0, kMaxCount);
  if (const JsonValue* c = obj.field("coupon", false)) {
    ObjectReader coupon(reader, *c, obj.path_of("coupon"));
    CouponGrant grant;
    if (auto id = coupon.identifier("id", true)) grant.id = *id;
    coupon.integer_into("valid_days", grant.valid_days, 0, kMaxDays);
    coupon.finish();
    if (!grant.id.empty()) r.coupon = grant;
  }
  obj.finish();
  return r;
}

namespace {

Reward reward_field(ValueReader& reader, ObjectReader& obj, std::string_view key, bool required) {
  const JsonValue* v = obj.field(key, required);
  return v ? read_reward(reader, *v, obj.path_of(key)) : Reward{};
}

// An id unique among its siblings ("tasks.duplicate_id").
std::optional<std::string> unique_id(ValueReader& reader, ObjectReader& obj, std::set<std::string>& seen) {
  auto id = obj.identifier("id", true);
  if (id && !seen.insert(*id).second) reader.error("tasks.duplicate_id", "id \"" + *id + "\" is used twice", obj.path_of("id"));
  return id;
}

CheckinRules read_checkin(ValueReader& reader, const JsonValue& v, const std::string& path) {
  ObjectReader obj(reader, v, path);
  CheckinRules rules;
  obj.integer_into("cycle_days", rules.cycle_days, 1, static_cast<std::int64_t>(kMaxCheckinCycle));
  if (auto m = obj.choice("on_miss", true, {"reset_cycle", "reset_streak", "keep_position"})) {
    rules.on_miss = static_cast<MissPolicy>(*m);
  }
  rules.by_day.resize(static_cast<std::size_t>(rules.cycle_days));
  if (const JsonValue* rewards = obj.field("rewards", false)) {
    each_item(reader, rewards, obj.path_of("rewards"), kMaxCheckinCycle, [&](const JsonValue& e, const std::string& p) {
      ObjectReader day(reader, e, p);
      auto d = day.integer("day", true, 1, rules.cycle_days);
      Reward reward = reward_field(reader, day, "reward", true);
      day.finish();
      if (!d) return;
      auto& slot = rules.by_day[static_cast<std::size_t>(*d - 1)];
      if (slot) reader.error("checkin.duplicate_day", "day " + std::to_string(*d) + " is rewarded twice", day.path_of("day"));
      slot = reward;
    });
  }
  rules.default_reward = reward_field(reader, obj, "default_reward", false);
  if (const JsonValue* m = obj.field("makeup", false)) {
    ObjectReader makeup(reader, *m, obj.path_of("makeup"));
    Makeup rules_makeup;
    makeup.integer_into("per_cycle", rules_makeup.per_cycle, 1, static_cast<std::int64_t>(kMaxCheckinCycle));
    makeup.integer_into("cost_points", rules_makeup.cost_points, 0, kMaxSafeInteger);
    if (auto pays = makeup.choice("pays", false, {"streak", "day_reward"})) rules_makeup.pays = static_cast<MakeupPays>(*pays);
    makeup.finish();
    rules.makeup = rules_makeup;
  }
  obj.finish();
  return rules;
}

LikeRules read_likes(ValueReader& reader, const JsonValue& v, const std::string& path) {
  ObjectReader obj(reader, v, path);
  LikeRules rules;
  rules.reward = reward_field(reader, obj, "reward", true);
  obj.integer_into("daily_cap", rules.daily_cap, 0, kMaxCount);
  obj.finish();
  return rules;
}

ScanRules read_scans(ValueReader& reader, const JsonValue& v, const std::string& path) {
  ObjectReader obj(reader, v, path);
  ScanRules rules;
  rules.reward = reward_field(reader, obj, "reward", true);
  obj.integer_into("daily_cap", rules.daily_cap, 0, kMaxCount);
  if (const JsonValue* batches = obj.field("batches", false)) {
    std::set<std::string> prefixes;
    each_item(reader, batches, obj.path_of("batches"), 1000, [&](const JsonValue& e, const std::string& p) {
      ObjectReader b(reader, e, p);
      ScanBatch batch;
      if (auto prefix = b.identifier("prefix", true)) {
        batch.prefix = *prefix;
        if (!prefixes.insert(*prefix).second) {
          reader.error("tasks.duplicate_id", "prefix \"" + *prefix + "\" is used twice", b.path_of("prefix"));
        }
      }
      batch.reward = reward_field(reader, b, "reward", true);
      b.finish();
      rules.batches.push_back(std::move(batch));
    });
  }
  obj.finish();
  return rules;
}

ReferralRules read_referral(ValueReader& reader, const JsonValue& v, const std::string& path) {
  ObjectReader obj(reader, v, path);
  ReferralRules rules;
  rules.inviter_reward = reward_field(reader, obj, "inviter_reward", true);
  rules.invitee_reward = reward_field(reader, obj, "invitee_reward", true);
  obj.integer_into("max_rewarded", rules.max_rewarded, 0, kMaxCount);
  if (auto on = obj.choice("reward_on", false, {"join", "first_order"})) rules.reward_on = static_cast<ReferralTrigger>(*on);
  obj.finish();
  return rules;
}

// The "from" and "to" local dates of a task or campaign, both days included.
void read_window(ValueReader& reader, ObjectReader& obj, std::int64_t& from_day, std::int64_t& to_day) {
  auto from = obj.date("from", true);
  auto to = obj.date("to", true);
  if (from && to && *to < *from) reader.error("task.window_reversed", "must not be before \"from\"", obj.path_of("to"));
  from_day = from.value_or(0);
  to_day = to.value_or(0);
}

void read_limited(ValueReader& reader, const JsonValue& v, const std::string& path, const Program& program,
                  std::vector<LimitedTask>& tasks) {
  std::set<std::string> ids;
  each_item(reader, &v, path, kMaxLimitedTasks, [&](const JsonValue& e, const std::string& p) {
    ObjectReader obj(reader, e, p);
    LimitedTask task;
    if (auto id = unique_id(reader, obj, ids)) task.id = *id;
    if (auto name = obj.localized_text("name", false)) task.name = *name;
    if (auto a = obj.choice("action", true, {"checkin", "like", "scan", "share", "order"})) {
      task.action = static_cast<TaskAction>(*a);
    }
    read_window(reader, obj, task.from_day, task.to_day);
    if (auto r = obj.choice("repeat", false, {"none", "day", "week", "month"})) task.repeat = static_cast<TaskRepeat>(*r);
    obj.integer_into("target", task.target, 1, kMaxCount);
    task.reward = reward_field(reader, obj, "reward", true);
    task.segments = read_segment_list(reader, obj, program);
    obj.finish();
    tasks.push_back(std::move(task));
  });
}

Box read_box(ValueReader& reader, const JsonValue& v, const std::string& path, const Program& program,
             std::set<std::string>& ids) {
  ObjectReader obj(reader, v, path);
  Box box;
  if (auto id = unique_id(reader, obj, ids)) box.id = *id;
  if (auto name = obj.localized_text("name", false)) box.name = *name;
  if (const JsonValue* c = obj.field("cost", false)) {
    ObjectReader cost(reader, *c, obj.path_of("cost"));
    cost.integer_into("points", box.cost.points, 0, kMaxSafeInteger);
    cost.integer_into("chances", box.cost.chances, 0, kMaxCount);
    cost.finish();
  }
  obj.integer_into("free_per_day", box.free_per_day, 0, 1000);
  if (const JsonValue* b = obj.field("daily_budget", false)) {
    ObjectReader budget(reader, *b, obj.path_of("daily_budget"));
    budget.integer_into("points", box.daily_budget.points, 0, kMaxSafeInteger);
    budget.integer_into("red_packet", box.daily_budget.red_packet, 0, kMaxSafeInteger);
    budget.finish();
  }
  std::set<std::string> prize_ids;
  if (const JsonValue* prizes = obj.field("prizes", true)) {
    each_item(reader, prizes, obj.path_of("prizes"), kMaxPrizes, [&](const JsonValue& e, const std::string& p) {
      ObjectReader prize_obj(reader, e, p);
      Prize prize;
      if (auto id = unique_id(reader, prize_obj, prize_ids)) prize.id = *id;
      if (auto name = prize_obj.localized_text("name", false)) prize.name = *name;
      if (auto w = prize_obj.integer("weight", true, 0, kMaxPrizeWeight)) prize.weight = *w;
      prize.reward = reward_field(reader, prize_obj, "reward", true);
      prize.stock = prize_obj.integer("stock", false, 0, kMaxSafeInteger);
      prize_obj.finish();
      box.total_weight += prize.weight;
      box.prizes.push_back(std::move(prize));
    });
    if (prizes->is_array() && box.total_weight == 0) {
      reader.error("box.no_weight", "at least one prize needs a weight above 0", obj.path_of("prizes"));
    }
  }
  if (auto f = obj.identifier("fallback_prize", false)) {
    auto it = std::find_if(box.prizes.begin(), box.prizes.end(), [&](const Prize& p) { return p.id == *f; });
    if (it == box.prizes.end()) reader.error("box.unknown_prize", "\"" + *f + "\" is not a prize of this box", obj.path_of("fallback_prize"));
    else box.fallback = static_cast<std::size_t>(it - box.prizes.begin());
  }
  box.segments = read_segment_list(reader, obj, program);
  obj.finish();
  return box;
}

FriendAction friend_action_field(ObjectReader& obj) {
  auto a = obj.choice("action", true, {"visit", "join", "first_order", "order"});
  return static_cast<FriendAction>(a.value_or(0));
}

SpokespersonCampaign read_campaign(ValueReader& reader, const JsonValue& v, const std::string& path, const Program& program,
                                   std::set<std::string>& ids) {
  ObjectReader obj(reader, v, path);
  SpokespersonCampaign c;
  if (auto id = unique_id(reader, obj, ids)) c.id = *id;
  if (auto name = obj.localized_text("name", false)) c.name = *name;
  read_window(reader, obj, c.from_day, c.to_day);
  if (auto f = obj.choice("friends", false, {"new", "any"})) c.new_members_only = *f == 0;
  obj.integer_into("order_min", c.order_min, 0, kMaxSafeInteger);
  // Milestones name a number of friends; a reward for each friend does not (friends 0).
  for (const bool per_friend : {false, true}) {
    const char* key = per_friend ? "each" : "milestones";
    const JsonValue* list = obj.field(key, false);
    if (!list) continue;
    each_item(reader, list, obj.path_of(key), per_friend ? 4 : kMaxMilestones, [&](const JsonValue& e, const std::string& p) {
      ObjectReader m(reader, e, p);
      FriendsReward r;
      r.action = friend_action_field(m);
      r.friends = per_friend ? 0 : m.integer("friends", true, 1, kMaxCampaignFriends).value_or(1);
      r.reward = reward_field(reader, m, "reward", true);
      const bool twice = std::any_of(c.rewards.begin(), c.rewards.end(),
                                     [&](const FriendsReward& x) { return x.action == r.action && x.friends == r.friends; });
      if (twice && per_friend) {
        reader.error("spokesperson.duplicate_action", "this action has a reward per friend already", m.path_of("action"));
      } else if (twice) {
        reader.error("spokesperson.duplicate_milestone", "this action and number of friends is a milestone already",
                     m.path_of("friends"));
      }
      m.finish();
      c.counted |= action_bit(r.action);
      c.rewards.push_back(std::move(r));
    });
  }
  if (c.counted == 0) {
    reader.error("spokesperson.nothing_counted", "a campaign needs milestones or rewards for each friend",
                 obj.path_of("milestones"));
  }
  if (c.counts(FriendAction::order) && c.order_min == 0) {
    reader.error("spokesperson.order_min_required", "an \"order\" counts from an amount: give order_min",
                 obj.path_of("order_min"));
  }
  obj.integer_into("daily_cap", c.daily_cap, 0, kMaxCampaignFriends);
  obj.integer_into("cap", c.cap, 0, kMaxCampaignFriends);
  c.tiers = read_tier_list(reader, obj, program, "spokesperson.unknown_tier");
  c.segments = read_segment_list(reader, obj, program);
  obj.finish();
  return c;
}

}  // namespace

void read_task_rules(ValueReader& reader, const JsonValue& json, const std::string& path, Program& program) {
  TaskRules& rules = program.tasks;
  ObjectReader obj(reader, json, path);
  obj.integer_into("daily_points_cap", rules.daily_points_cap, 0, kMaxSafeInteger);
  if (const JsonValue* v = obj.field("checkin", false)) rules.checkin = read_checkin(reader, *v, obj.path_of("checkin"));
  if (const JsonValue* v = obj.field("likes", false)) rules.likes = read_likes(reader, *v, obj.path_of("likes"));
  if (const JsonValue* v = obj.field("scans", false)) rules.scans = read_scans(reader, *v, obj.path_of("scans"));
  if (const JsonValue* v = obj.field("referral", false)) rules.referral = read_referral(reader, *v, obj.path_of("referral"));
  if (const JsonValue* v = obj.field("limited", false)) read_limited(reader, *v, obj.path_of("limited"), program, rules.limited);
  if (const JsonValue* v = obj.field("boxes", false)) {
    std::set<std::string> ids;
    each_item(reader, v, obj.path_of("boxes"), kMaxBoxes,
         [&](const JsonValue& e, const std::string& p) { rules.boxes.push_back(read_box(reader, e, p, program, ids)); });
  }
  if (const JsonValue* v = obj.field("spokesperson", false)) {
    std::set<std::string> ids;
    each_item(reader, v, obj.path_of("spokesperson"), kMaxSpokespersonCampaigns, [&](const JsonValue& e, const std::string& p) {
      rules.spokesperson.push_back(read_campaign(reader, e, p, program, ids));
    });
  }
  obj.finish();
}

void write_reward(JsonWriter& w, const Reward& r) {
  w.begin_object();
  if (r.box_chances) w.field("box_chances", r.box_chances);
  if (r.coupon) {
    w.key("coupon").begin_object().field("id", std::string_view(r.coupon->id))
        .field("valid_days", std::int64_t{r.coupon->valid_days}).end_object();
  }
  if (r.growth) w.field("growth", r.growth);
  if (r.makeup_cards) w.field("makeup_cards", r.makeup_cards);
  if (r.points) w.field("points", r.points);
  if (r.red_packet) w.field("red_packet", r.red_packet);
  w.end_object();
}

const char* makeup_pays_name(MakeupPays pays) { return pays == MakeupPays::day_reward ? "day_reward" : "streak"; }

namespace {

void write_checkin(JsonWriter& w, const CheckinRules& c) {
  static const char* const kMiss[] = {"reset_cycle", "reset_streak", "keep_position"};
  w.begin_object().field("cycle_days", c.cycle_days);
  write_reward(w.key("default_reward"), c.default_reward);
  if (c.makeup) {
    w.key("makeup").begin_object().field("cost_points", c.makeup->cost_points)
        .field("pays", std::string_view(makeup_pays_name(c.makeup->pays))).field("per_cycle", c.makeup->per_cycle).end_object();
  }
  w.field("on_miss", std::string_view(kMiss[static_cast<int>(c.on_miss)]));
  w.key("rewards").begin_array();
  for (std::size_t i = 0; i < c.by_day.size(); ++i) {
    if (!c.by_day[i]) continue;
    w.begin_object().field("day", static_cast<std::int64_t>(i + 1));
    write_reward(w.key("reward"), *c.by_day[i]);
    w.end_object();
  }
  w.end_array().end_object();
}

void write_campaign(JsonWriter& w, const Program& program, const SpokespersonCampaign& c) {
  w.begin_object().field("cap", c.cap).field("daily_cap", c.daily_cap);
  const auto write_rewards = [&](const char* key, bool per_friend) {
    w.key(key).begin_array();
    for (const FriendsReward& r : c.rewards) {
      if ((r.friends == 0) != per_friend) continue;
      w.begin_object().field("action", std::string_view(friend_action_name(r.action)));
      if (!per_friend) w.field("friends", r.friends);
      write_reward(w.key("reward"), r.reward);
      w.end_object();
    }
    w.end_array();
  };
  write_rewards("each", true);
  w.field("friends", std::string_view(c.new_members_only ? "new" : "any"))
      .field("from", DayText(c.from_day).view()).field("id", std::string_view(c.id));
  write_rewards("milestones", false);
  write_localized(w.key("name"), c.name);
  w.field("order_min", c.order_min);
  write_segment_list(w, program, c.segments);
  write_tier_list(w, program, c.tiers);
  w.field("to", DayText(c.to_day).view()).end_object();
}

void write_box(JsonWriter& w, const Program& program, const Box& b) {
  w.begin_object();
  w.key("cost").begin_object().field("chances", b.cost.chances).field("points", b.cost.points).end_object();
  w.key("daily_budget").begin_object().field("points", b.daily_budget.points)
      .field("red_packet", b.daily_budget.red_packet).end_object();
  if (b.fallback) w.field("fallback_prize", std::string_view(b.prizes[*b.fallback].id));
  w.field("free_per_day", b.free_per_day).field("id", std::string_view(b.id));
  write_localized(w.key("name"), b.name);
  w.key("prizes").begin_array();
  for (const Prize& p : b.prizes) {
    w.begin_object().field("id", std::string_view(p.id));
    write_localized(w.key("name"), p.name);
    write_reward(w.key("reward"), p.reward);
    if (p.stock) w.field("stock", *p.stock);
    w.field("weight", p.weight).end_object();
  }
  w.end_array();
  write_segment_list(w, program, b.segments);
  w.end_object();
}

}  // namespace

// Keys in ascending order, as everywhere (JsonWriter checks it).
void write_task_rules(JsonWriter& w, const Program& program) {
  const TaskRules& rules = program.tasks;
  static const char* const kActions[] = {"checkin", "like", "scan", "share", "order"};
  static const char* const kRepeat[] = {"none", "day", "week", "month"};
  w.begin_object();
  if (!rules.boxes.empty()) {
    w.key("boxes").begin_array();
    for (const Box& b : rules.boxes) write_box(w, program, b);
    w.end_array();
  }
  if (rules.checkin) write_checkin(w.key("checkin"), *rules.checkin);
  w.field("daily_points_cap", rules.daily_points_cap);
  if (rules.likes) {
    w.key("likes").begin_object().field("daily_cap", rules.likes->daily_cap);
    write_reward(w.key("reward"), rules.likes->reward);
    w.end_object();
  }
  if (!rules.limited.empty()) {
    w.key("limited").begin_array();
    for (const LimitedTask& t : rules.limited) {
      w.begin_object().field("action", std::string_view(kActions[static_cast<int>(t.action)]))
          .field("from", DayText(t.from_day).view()).field("id", std::string_view(t.id));
      write_localized(w.key("name"), t.name);
      w.field("repeat", std::string_view(kRepeat[static_cast<int>(t.repeat)]));
      write_reward(w.key("reward"), t.reward);
      write_segment_list(w, program, t.segments);
      w.field("target", t.target).field("to", DayText(t.to_day).view()).end_object();
    }
    w.end_array();
  }
  if (rules.referral) {
    const ReferralRules& r = *rules.referral;
    w.key("referral").begin_object();
    write_reward(w.key("invitee_reward"), r.invitee_reward);
    write_reward(w.key("inviter_reward"), r.inviter_reward);
    w.field("max_rewarded", r.max_rewarded)
        .field("reward_on", std::string_view(r.reward_on == ReferralTrigger::join ? "join" : "first_order")).end_object();
  }
  if (rules.scans) {
    w.key("scans").begin_object().key("batches").begin_array();
    for (const ScanBatch& b : rules.scans->batches) {
      w.begin_object().field("prefix", std::string_view(b.prefix));
      write_reward(w.key("reward"), b.reward);
      w.end_object();
    }
    w.end_array().field("daily_cap", rules.scans->daily_cap);
    write_reward(w.key("reward"), rules.scans->reward);
    w.end_object();
  }
  if (!rules.spokesperson.empty()) {
    w.key("spokesperson").begin_array();
    for (const SpokespersonCampaign& c : rules.spokesperson) write_campaign(w, program, c);
    w.end_array();
  }
  w.end_object();
}

}  // namespace loyalty
