// The engine's task and game queries: requests read, answers written.
#include <algorithm>

#include "engine_request.hpp"
#include "task_json.hpp"
#include "writers.hpp"
#include "loyalty/apply.hpp"
#include "loyalty/checkin.hpp"
#include "loyalty/draw.hpp"
#include "loyalty/recall.hpp"

namespace loyalty {

namespace {

void write_reward(JsonWriter& w, std::string_view key, const Reward& reward) {
  write_reward(w.key(key), reward);
}

const char* status_name(CalendarStatus s) {
  switch (s) {
    case CalendarStatus::done: return "done";
    case CalendarStatus::made_up: return "made_up";
    case CalendarStatus::today: return "today";
    case CalendarStatus::fillable: return "fillable";
    case CalendarStatus::missed: return "missed";
    case CalendarStatus::upcoming: return "upcoming";
  }
  return "upcoming";
}

void write_offer(JsonWriter& w, const CheckinRules& rules, const CheckinOffer& offer) {
  w.begin_object().field("position", offer.position);
  write_reward(w, "reward", reward_for_position(rules, offer.position));
  w.field("streak", offer.streak).end_object();
}

std::string calendar_json(const CheckinRules& rules, const TaskState& tasks, const CheckinCalendar& cal) {
  static const char* const kMiss[] = {"reset_cycle", "reset_streak", "keep_position"};
  JsonWriter w;
  w.begin_object().field("checked_in_today", cal.checked_in_today).field("cycle_days", rules.cycle_days)
      .field("cycle_start", DayText(cal.cycle_start).view())
      .field("date", DayText(cal.today).view());
  w.key("days").begin_array();
  for (const CalendarDay& d : cal.days) {
    w.begin_object().key("date");
    if (d.day) w.value(DayText(*d.day).view());
    else w.null();
    w.field("position", d.position);
    write_reward(w, "reward", reward_for_position(rules, d.position));
    w.field("status", std::string_view(status_name(d.status))).end_object();
  }
  w.end_array();
  w.key("fillable").begin_array();
  for (std::int64_t d : cal.fillable) w.value(DayText(d).view());
  w.end_array();
  w.key("makeup");
  if (rules.makeup) {
    w.begin_object().field("cards", tasks.makeup_cards).field("cost_points", rules.makeup->cost_points)
        .field("left", cal.makeups_left);
    // What filling each fillable day gives now: shown before the member pays.
    w.key("offers").begin_array();
    for (const MakeupOffer& offer : cal.makeup_offers) {
      w.begin_object().field("date", DayText(offer.day).view()).field("position", offer.reward_position);
      write_reward(w, "reward", rules.makeup->pays == MakeupPays::day_reward ? reward_for_position(rules, offer.reward_position)
                                                                            : Reward{});
      w.end_object();
    }
    w.end_array();
    w.field("pays", std::string_view(makeup_pays_name(rules.makeup->pays))).field("per_cycle", rules.makeup->per_cycle)
        .end_object();
  } else {
    w.null();
  }
  w.field("on_miss", std::string_view(kMiss[static_cast<int>(rules.on_miss)])).field("streak", cal.streak);
  w.key("today");
  if (cal.today_offer) write_offer(w, rules, *cal.today_offer);
  else w.null();
  w.key("tomorrow");
  write_offer(w, rules, cal.tomorrow);
  w.end_object();
  return w.take();
}

std::int64_t today_count(const TaskState& t, std::int64_t today, std::int64_t TaskDay::*field) {
  return t.today.day == today ? t.today.*field : 0;
}

// A programme with recall offers shows the one open now (null when none is).
void write_open_recall(JsonWriter& w, const Program& program, const MemberState& s, TimeMs at) {
  if (program.lifecycle.recall.empty()) return;
  w.key("recall");
  const std::optional<OpenRecall> open = open_recall(program, s, at);
  if (!open) {
    w.null();
    return;
  }
  const RecallOffer& offer = program.lifecycle.recall[open->offer];
  w.begin_object().field("entered_at", open->entered_at).field("id", std::string_view(offer.id))
      .field("multiplier_bp", offer.multiplier_bp);
  if (!offer.name.empty()) write_localized(w.key("name"), offer.name);
  w.field("stage", lifecycle_stage_name(offer.stage)).field("until", open->until).end_object();
}

// The campaigns running today, as the member's shares stand in each.
void write_spokesperson(JsonWriter& w, const Program& program, const MemberState& s, TimeMs at, std::int64_t today) {
  w.key("spokesperson").begin_array();
  for (const SpokespersonCampaign& c : program.tasks.spokesperson) {
    if (!c.running(today)) continue;
    const CampaignFriends none;
    const CampaignFriends* held = s.tasks.spokesperson.friends_in(c.id);
    const CampaignFriends& mine = held ? *held : none;
    std::int64_t counts[4];  // by FriendAction, counted once for every milestone below
    for (int a = 0; a < 4; ++a) counts[a] = mine.doing(static_cast<FriendAction>(a));
    const auto count_of = [&](FriendAction a) { return counts[static_cast<int>(a)]; };
    w.begin_object().field("campaign", std::string_view(c.id)).field("cap", c.cap);
    w.key("counts").begin_object();
    for (FriendAction a : {FriendAction::first_order, FriendAction::join, FriendAction::order, FriendAction::visit}) {
      if (c.counts(a)) w.field(friend_action_name(a), count_of(a));
    }
    w.end_object().field("daily_cap", c.daily_cap).field("eligible", !spokesperson_refusal(program, s, c, at))
        .field("ends", DayText(c.to_day).view())
        .field("friends", static_cast<std::int64_t>(mine.friends.size()))
        .field("friends_today", mine.day == today ? mine.today : 0);
    const FriendsReward* next = nullptr;
    w.key("milestones").begin_array();
    for (const FriendsReward& m : c.rewards) {
      if (m.friends == 0) continue;  // a reward for each friend, not a milestone
      const bool reached = count_of(m.action) >= m.friends;
      if (!reached && (!next || m.friends - count_of(m.action) < next->friends - count_of(next->action))) next = &m;
      w.begin_object().field("action", std::string_view(friend_action_name(m.action))).field("friends", m.friends)
          .field("reached", reached);
      write_reward(w, "reward", m.reward);
      w.end_object();
    }
    w.end_array().key("next");
    if (next) {
      w.begin_object().field("action", std::string_view(friend_action_name(next->action)))
          .field("friends", next->friends).field("needed", next->friends - count_of(next->action));
      write_reward(w, "reward", next->reward);
      w.end_object();
    } else {
      w.null();
    }
    w.end_object();
  }
  w.end_array();
}

std::string overview_json(const Program& program, const MemberState& s, TimeMs at) {
  const std::int64_t today = local_day_number(at, program.utc_offset_minutes);
  static const char* const kActions[] = {"checkin", "like", "scan", "share", "order"};
  const TaskRules& rules = program.tasks;
  const TaskState& t = s.tasks;
  JsonWriter w;
  w.begin_object();
  w.key("balances").begin_object().field("box_chances", t.box_chances);
  w.key("coupons").begin_array();
  for (const HeldCoupon& c : t.coupons) {
    w.begin_object().field("coupon", std::string_view(c.coupon)).field("expires_at", c.expires_at)
        .field("granted_at", c.granted_at).end_object();
  }
  w.end_array();
  w.field("makeup_cards", t.makeup_cards).field("red_packet", t.red_packet).end_object();
  w.key("boxes").begin_array();
  for (const Box& b : rules.boxes) {
    const std::int64_t free_left = std::max<std::int64_t>(0, b.free_per_day - today_count(t, today, &TaskDay::free_draws));
    const bool can = free_left > 0 || (b.cost.chances > 0 && t.box_chances >= b.cost.chances) ||
                     (b.cost.points > 0 && s.available_points() >= b.cost.points);
    w.begin_object().field("box", std::string_view(b.id)).field("can_draw", can);
    w.key("cost").begin_object().field("chances", b.cost.chances).field("points", b.cost.points).end_object();
    w.field("free_left", free_left).end_object();
  }
  w.end_array();
  w.field("daily_points_cap", rules.daily_points_cap);
  w.key("likes");
  if (rules.likes) {
    w.begin_object().field("daily_cap", rules.likes->daily_cap);
    write_reward(w, "reward", rules.likes->reward);
    w.field("today", today_count(t, today, &TaskDay::likes)).end_object();
  } else {
    w.null();
  }
  w.key("limited").begin_array();
  for (const LimitedTask& task : rules.limited) {
    if (today < task.from_day || today > task.to_day) continue;
    const std::int64_t period = period_start(task, today);
    auto p = std::find_if(t.progress.begin(), t.progress.end(),
                          [&](const TaskProgress& g) { return g.task == task.id && g.period == period; });
    w.begin_object().field("action", std::string_view(kActions[static_cast<int>(task.action)]))
        .field("count", p == t.progress.end() ? 0 : p->count).field("done", p != t.progress.end() && p->done)
        .field("ends", DayText(period_end(task, period)).view());
    write_reward(w, "reward", task.reward);
    w.field("target", task.target).field("task", std::string_view(task.id)).end_object();
  }
  w.end_array();
  write_open_recall(w, program, s, at);
  w.key("referral");
  if (rules.referral) {
    w.begin_object();
    if (t.invited_by) w.field("invited_by", std::string_view(*t.invited_by));
    w.field("invitees", static_cast<std::int64_t>(t.invitees.size())).field("max_rewarded", rules.referral->max_rewarded)
        .field("rewarded", t.referrals_rewarded).end_object();
  } else {
    w.null();
  }
  w.key("scans");
  if (rules.scans) {
    w.begin_object().field("daily_cap", rules.scans->daily_cap);
    write_reward(w, "reward", rules.scans->reward);
    w.field("today", today_count(t, today, &TaskDay::scans)).end_object();
  } else {
    w.null();
  }
  if (!rules.spokesperson.empty()) write_spokesperson(w, program, s, at, today);
  w.field("task_points_today", today_count(t, today, &TaskDay::task_points));
  w.end_object();
  return w.take();
}

constexpr std::size_t kMaxMemberIdBytes = 128;

std::string member_text(Request& request, const char* key) {
  const JsonValue* it = request.json().find(key);
  if (!it) {
    request.errors.push_back({"field.missing", "is required", key});
  } else if (!it->is_string() || it->str().empty()) {
    request.errors.push_back({"type.expected_string", "must be a non-empty string", key});
  } else if (it->str().size() > kMaxMemberIdBytes) {
    // As in a state; it is hashed into every draw, so its length is work.
    request.errors.push_back({"value.too_long", "must be at most " + std::to_string(kMaxMemberIdBytes) + " bytes", key});
  } else {
    return std::string(it->str());
  }
  return "";
}

std::optional<std::string> hex_field(Request& request, const char* key, bool required) {
  const JsonValue* it = request.json().find(key);
  if (!it) {
    if (required) request.errors.push_back({"field.missing", "is required", key});
    return std::nullopt;
  }
  auto bytes = it->is_string() && it->str().size() <= 2 * kMaxDigestInput ? bytes_from_hex(it->str()) : std::nullopt;
  if (!bytes) request.errors.push_back({"value.invalid_hex", "must be hexadecimal digits, two per byte", key});
  return bytes;
}

}  // namespace

std::string Engine::digest(std::string_view request_json) const {
  Request request = parse_request(request_json);
  if (!request.errors.empty()) return error_envelope(request.errors);
  auto message = hex_field(request, "message_hex", true);
  auto key = hex_field(request, "key_hex", false);
  refuse_unknown_fields(request, {"message_hex", "key_hex"});
  if (!request.errors.empty()) return error_envelope(request.errors);
  JsonWriter w;
  w.begin_object().field("algorithm", std::string_view(key ? "hmac_sha256" : "sha256"));
  w.field("digest", std::string_view(to_hex(key ? hmac_sha256(*key, *message) : sha256(*message)))).end_object();
  return ok_envelope(w.take());
}

std::string Engine::checkin_calendar(MemberSession& member, Request& request) const {
  auto at = read_at(request);
  refuse_unknown_fields(request, {"at"});
  if (!request.errors.empty()) return error_envelope(request.errors);
  if (!program_->tasks.checkin) {
    return error_envelope({{"checkin.not_offered", "this programme has no daily check-in", ""}});
  }
  auto state = member.at(*at);
  if (!state.ok()) return error_envelope(state.errors());
  const std::int64_t today = local_day_number(*at, program_->utc_offset_minutes);
  const CheckinRules& rules = *program_->tasks.checkin;
  const TaskState& tasks = state.value()->tasks;
  return ok_envelope(calendar_json(rules, tasks, loyalty::checkin_calendar(rules, tasks.checkin, today)));
}

std::string Engine::task_overview(MemberSession& member, Request& request) const {
  auto at = read_at(request);
  refuse_unknown_fields(request, {"at"});
  if (!request.errors.empty()) return error_envelope(request.errors);
  auto state = member.at(*at);
  if (!state.ok()) return error_envelope(state.errors());
  return ok_envelope(overview_json(*program_, *state.value(), *at));
}

std::string Engine::box_odds(std::string_view request_json) const {
  Request request = parse_request(request_json);
  if (!request.errors.empty()) return error_envelope(request.errors);
  const Box* box = nullptr;
  const JsonValue* it = request.json().find("box");
  if (!it) request.errors.push_back({"field.missing", "is required", "box"});
  else if (!it->is_string() || !(box = program_->tasks.box(std::string(it->str())))) {
    request.errors.push_back({"box.unknown", "not a box of this programme", "box"});
  }
  refuse_unknown_fields(request, {"box"});
  if (!request.errors.empty()) return error_envelope(request.errors);
  JsonWriter w;
  w.begin_object().field("box", std::string_view(box->id));
  w.key("prizes").begin_array();
  for (const PrizeOdds& o : loyalty::box_odds(*box)) {
    const Prize& p = box->prizes[o.prize];
    w.begin_object().field("per_million", o.per_million).field("prize", std::string_view(p.id));
    write_reward(w, "reward", p.reward);
    if (p.stock) w.field("stock", *p.stock);
    w.field("weight", o.weight).end_object();
  }
  w.end_array();
  w.field("total_weight", box->total_weight).end_object();
  return ok_envelope(w.take());
}

std::string Engine::verify_draw(std::string_view request_json) const {
  Request request = parse_request(request_json);
  if (!request.errors.empty()) return error_envelope(request.errors);
  const std::string member = member_text(request, "member_id");
  auto nonce = request_field<std::int64_t>(request, "nonce", true, [](const JsonValue& j) {
    return integer_field(j, "nonce", 0, kMaxSafeInteger);
  });
  auto draw = request_field<DrawInput>(request, "draw", true, [&](const JsonValue& j) {
    return draw_input_from_json(*program_, j, "draw");
  });
  const Box* box = draw ? program_->tasks.box(draw->box) : nullptr;
  if (draw && !box) request.errors.push_back({"box.unknown", "not a box of this programme", "draw.box"});
  std::optional<std::string> commitment;
  if (const JsonValue* it = request.json().find("commitment")) {
    if (it->is_string()) commitment = std::string(it->str());
    else request.errors.push_back({"type.expected_string", "must be a string", "commitment"});
  }
  refuse_unknown_fields(request, {"member_id", "nonce", "draw", "commitment"});
  if (!request.errors.empty()) return error_envelope(request.errors);
  const HmacSha256 seed(draw->seed);
  auto result = draw_prize(*box, *draw, seed, member, *nonce);
  if (!result.ok()) return error_envelope(result.errors());
  const std::string digest = seed_commitment(draw->seed);
  JsonWriter w;
  w.begin_object().field("commitment", std::string_view(digest)).key("commitment_matches");
  if (commitment) w.value(equal_in_constant_time(*commitment, digest));
  else w.null();
  w.field("fallback", result.value().fallback).field("nonce", *nonce)
      .field("prize", std::string_view(box->prizes[result.value().prize].id)).field("redrawn", result.value().redrawn)
      .end_object();
  return ok_envelope(w.take());
}

std::string Engine::simulate_draws(std::string_view request_json) const {
  Request request = parse_request(request_json);
  if (!request.errors.empty()) return error_envelope(request.errors);
  const std::string member = member_text(request, "member_id");
  auto draw = request_field<DrawInput>(request, "draw", true, [&](const JsonValue& j) {
    return draw_input_from_json(*program_, j, "draw");
  });
  const Box* box = draw ? program_->tasks.box(draw->box) : nullptr;
  if (draw && !box) request.errors.push_back({"box.unknown", "not a box of this programme", "draw.box"});
  auto from = request_field<std::int64_t>(request, "from_nonce", false, [](const JsonValue& j) {
    return integer_field(j, "from_nonce", 0, kMaxSafeInteger - kMaxSimulatedDraws);
  });
  auto count = request_field<std::int64_t>(request, "count", true, [](const JsonValue& j) {
    return integer_field(j, "count", 1, kMaxSimulatedDraws);
  });
  refuse_unknown_fields(request, {"member_id", "draw", "from_nonce", "count"});
  if (!request.errors.empty()) return error_envelope(request.errors);
  const HmacSha256 seed(draw->seed);
  std::vector<std::int64_t> counts(box->prizes.size(), 0);
  Sha256 sequence;  // the outcomes, one byte per draw: equal digests, equal sequences
  for (std::int64_t n = from.value_or(0); n < from.value_or(0) + *count; ++n) {
    auto result = draw_prize(*box, *draw, seed, member, n);
    if (!result.ok()) return error_envelope(result.errors());
    counts[result.value().prize] += 1;
    const char byte = static_cast<char>(result.value().prize);
    sequence.update(std::string_view(&byte, 1));
  }
  JsonWriter w;
  w.begin_object().field("box", std::string_view(box->id)).key("counts").begin_array();
  for (std::size_t i = 0; i < counts.size(); ++i) {
    w.begin_object().field("count", counts[i]).field("prize", std::string_view(box->prizes[i].id)).end_object();
  }
  w.end_array();
  w.field("draws", *count).field("sequence_sha256", std::string_view(to_hex(sequence.finish()))).end_object();
  return ok_envelope(w.take());
}

}  // namespace loyalty
