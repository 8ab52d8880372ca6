// A member's task state <-> JSON, inside the state snapshot ("tasks").
#include <algorithm>

#include "task_json.hpp"

namespace loyalty {

using json_reader::each_item;
using json_reader::ObjectReader;
using json_reader::ValueReader;

namespace {

constexpr std::size_t kMaxRemembered = 100000;

// Sorted and unique, as the core searches them.
template <typename T>
void normalise(std::vector<T>& v) {
  std::sort(v.begin(), v.end());
  v.erase(std::unique(v.begin(), v.end()), v.end());
}

std::vector<std::string> read_strings(ValueReader& reader, ObjectReader& obj, std::string_view key, std::size_t max) {
  std::vector<std::string> out;
  each_item(reader, obj.field(key, false), obj.path_of(key), max, [&](const JsonValue& e, const std::string& p) {
    if (auto s = reader.string(e, p, 128)) out.emplace_back(*s);
  });
  normalise(out);
  return out;
}

std::vector<std::int64_t> read_dates(ValueReader& reader, ObjectReader& obj, std::string_view key) {
  std::vector<std::int64_t> out;
  each_item(reader, obj.field(key, false), obj.path_of(key), kMaxCheckinCycle, [&](const JsonValue& e, const std::string& p) {
    auto s = reader.string(e, p, 10);
    auto d = s ? parse_iso_date(*s) : std::nullopt;
    if (s && !d) reader.error("value.invalid_date", "must be a date YYYY-MM-DD from 1970 on", p);
    if (d) out.push_back(day_number_from_date(*d));
  });
  normalise(out);
  return out;
}

// Friend actions as a list of names, in the order of FriendAction.
std::uint8_t read_actions(ValueReader& reader, ObjectReader& obj, std::string_view key) {
  std::uint8_t bits = 0;
  each_item(reader, obj.field(key, true), obj.path_of(key), 4, [&](const JsonValue& e, const std::string& p) {
    auto name = reader.string(e, p, 16);
    for (std::uint8_t a = 0; name && a < 4; ++a) {
      if (*name == friend_action_name(static_cast<FriendAction>(a))) {
        bits |= action_bit(static_cast<FriendAction>(a));
        return;
      }
    }
    if (name) reader.error("value.unknown_choice", "must be visit, join, first_order or order", p);
  });
  return bits;
}

void write_actions(JsonWriter& w, std::string_view key, std::uint8_t bits) {
  w.key(key).begin_array();
  for (std::uint8_t a = 0; a < 4; ++a) {
    if (bits & action_bit(static_cast<FriendAction>(a))) w.value(std::string_view(friend_action_name(static_cast<FriendAction>(a))));
  }
  w.end_array();
}

void read_spokesperson_state(ValueReader& reader, ObjectReader& obj, TaskState& t) {
  each_item(reader, obj.field("campaigns", false), obj.path_of("campaigns"), 1000, [&](const JsonValue& e, const std::string& p) {
    ObjectReader c(reader, e, p);
    CampaignFriends campaign;
    if (auto id = c.identifier("campaign", true)) campaign.campaign = *id;
    if (auto d = c.date("date", false)) campaign.day = *d;
    c.integer_into("today", campaign.today, 0, kMaxCampaignFriends);
    each_item(reader, c.field("friends", true), c.path_of("friends"), kMaxCampaignFriends, [&](const JsonValue& fe, const std::string& fp) {
      ObjectReader f(reader, fe, fp);
      CountedFriend counted;
      counted.actions = read_actions(reader, f, "actions");
      counted.member_id = f.short_text("member_id", true, true).value_or("");
      f.finish();
      campaign.friends.push_back(std::move(counted));
    });
    c.finish();
    t.spokesperson.campaigns.push_back(std::move(campaign));
  });
  each_item(reader, obj.field("brought_by", false), obj.path_of("brought_by"), 1000, [&](const JsonValue& e, const std::string& p) {
    ObjectReader b(reader, e, p);
    BroughtBy brought;
    if (auto id = b.identifier("campaign", true)) brought.campaign = *id;
    brought.joined = b.boolean("joined", false).value_or(false);
    brought.sent = read_actions(reader, b, "sent");
    brought.spokesperson = b.short_text("spokesperson", true, true).value_or("");
    b.finish();
    t.spokesperson.brought_by.push_back(std::move(brought));
  });
}

void write_brought_by(JsonWriter& w, const TaskState& t) {
  if (t.spokesperson.brought_by.empty()) return;
  w.key("brought_by").begin_array();
  for (const BroughtBy& b : t.spokesperson.brought_by) {
    w.begin_object().field("campaign", std::string_view(b.campaign)).field("joined", b.joined);
    write_actions(w, "sent", b.sent);
    w.field("spokesperson", std::string_view(b.spokesperson)).end_object();
  }
  w.end_array();
}

void write_campaign_friends(JsonWriter& w, const TaskState& t) {
  if (t.spokesperson.campaigns.empty()) return;
  w.key("campaigns").begin_array();
  for (const CampaignFriends& c : t.spokesperson.campaigns) {
    w.begin_object().field("campaign", std::string_view(c.campaign));
    if (c.day >= 0) w.field("date", DayText(c.day).view());
    w.key("friends").begin_array();
    for (const CountedFriend& f : c.friends) {
      w.begin_object();
      write_actions(w, "actions", f.actions);
      w.field("member_id", std::string_view(f.member_id)).end_object();
    }
    w.end_array().field("today", c.today).end_object();
  }
  w.end_array();
}

void write_dates(JsonWriter& w, std::string_view key, const std::vector<std::int64_t>& days) {
  w.key(key).begin_array();
  for (std::int64_t d : days) w.value(DayText(d).view());
  w.end_array();
}

template <typename Texts>
void write_strings(JsonWriter& w, std::string_view key, const Texts& items) {
  w.key(key).begin_array();
  for (const std::string& s : items) w.value(std::string_view(s));
  w.end_array();
}

}  // namespace

void read_task_state(ValueReader& reader, const JsonValue& json, const std::string& path, TaskState& t) {
  ObjectReader obj(reader, json, path);
  for (auto [key, into] : {std::pair{"checkins", &t.checkins}, {"referrals_rewarded", &t.referrals_rewarded},
                           {"draws", &t.draws}, {"red_packet", &t.red_packet}, {"box_chances", &t.box_chances},
                           {"makeup_cards", &t.makeup_cards}}) {
    obj.integer_into(key, *into, 0, kMaxSafeInteger);
  }
  if (const JsonValue* c = obj.field("checkin", false)) {
    ObjectReader cycle(reader, *c, obj.path_of("checkin"));
    CheckinCycle cc;
    if (auto d = cycle.date("start", true)) cc.start = *d;
    cc.days = read_dates(reader, cycle, "days");
    cc.made_up = read_dates(reader, cycle, "made_up");
    cycle.integer_into("streak_before", cc.streak_before, 0, kMaxSafeInteger);
    cycle.finish();
    t.checkin = std::move(cc);
  }
  if (const JsonValue* d = obj.field("today", false)) {
    ObjectReader day(reader, *d, obj.path_of("today"));
    if (auto date = day.date("date", true)) t.today.day = *date;
    for (auto [key, into] : {std::pair{"likes", &t.today.likes}, {"scans", &t.today.scans},
                             {"task_points", &t.today.task_points}, {"free_draws", &t.today.free_draws}}) {
      day.integer_into(key, *into, 0, kMaxSafeInteger);
    }
    day.finish();
  }
  const auto read_set = [&](std::string_view key) {
    const std::vector<std::string> texts = read_strings(reader, obj, key, kMaxRemembered);
    return TextSet(texts.begin(), texts.end());
  };
  t.liked = read_set("liked");
  t.scanned = read_set("scanned");
  if (const JsonValue* v = obj.field("invited_by", false)) {
    if (auto s = reader.string(*v, obj.path_of("invited_by"), 128)) t.invited_by = *s;
  }
  t.invitee_rewarded = obj.boolean("invitee_rewarded", false).value_or(false);
  each_item(reader, obj.field("invitees", false), obj.path_of("invitees"), kMaxRemembered, [&](const JsonValue& e, const std::string& p) {
    ObjectReader i(reader, e, p);
    Invitee invitee;
    if (const JsonValue* id = i.field("member_id", true)) {
      if (auto s = reader.string(*id, i.path_of("member_id"), 128)) invitee.member_id = *s;
    }
    invitee.rewarded = i.boolean("rewarded", false).value_or(false);
    i.finish();
    t.invitees.push_back(std::move(invitee));
  });
  each_item(reader, obj.field("progress", false), obj.path_of("progress"), kMaxLimitedTasks, [&](const JsonValue& e, const std::string& p) {
    ObjectReader g(reader, e, p);
    TaskProgress progress;
    if (auto id = g.identifier("task", true)) progress.task = *id;
    if (auto d = g.date("period", true)) progress.period = *d;
    g.integer_into("count", progress.count, 0, kMaxSafeInteger);
    progress.done = g.boolean("done", false).value_or(false);
    progress.items = read_strings(reader, g, "items", 10000);
    g.finish();
    t.progress.push_back(std::move(progress));
  });
  each_item(reader, obj.field("coupons", false), obj.path_of("coupons"), 10000, [&](const JsonValue& e, const std::string& p) {
    ObjectReader c(reader, e, p);
    HeldCoupon coupon;
    if (auto id = c.identifier("coupon", true)) coupon.coupon = *id;
    if (const JsonValue* v = c.field("event_id", true)) {
      if (auto s = reader.string(*v, c.path_of("event_id"), 128)) coupon.event_id = *s;
    }
    if (auto at = c.integer("granted_at", true, kMinTimeMs, kMaxTimeMs)) coupon.granted_at = *at;
    if (auto at = c.integer("expires_at", true, kMinTimeMs, kMaxTimeMs)) coupon.expires_at = *at;
    c.finish();
    t.coupons.push_back(std::move(coupon));
  });
  each_item(reader, obj.field("mall", false), obj.path_of("mall"), kMaxMallRedemptions, [&](const JsonValue& e, const std::string& p) {
    ObjectReader m(reader, e, p);
    MallRedemption r;
    if (auto s = m.short_text("id", true)) r.id = *s;
    if (auto item = m.identifier("item", true)) r.item = *item;
    m.integer_into("quantity", r.quantity, 1, kMaxMallQuantity);
    for (auto [key, into] : {std::pair{"points", &r.points}, {"cash", &r.cash}, {"red_packet", &r.red_packet},
                             {"box_chances", &r.box_chances}}) {
      m.integer_into(key, *into, 0, kMaxSafeInteger);
    }
    if (auto at = m.integer("at", true, kMinTimeMs, kMaxTimeMs)) r.at = *at;
    r.cancelled_at = m.integer("cancelled_at", false, kMinTimeMs, kMaxTimeMs);
    read_redeemed_parts(reader, m, "parts", r.parts);
    m.finish();
    t.mall.push_back(std::move(r));
  });
  put_in_time_order(t.mall);
  read_spokesperson_state(reader, obj, t);
  obj.finish();
}

// An insertion sort: the list is in order but for a hand-made state, and a
// library sort would bring its code into the module for this alone.
void put_in_time_order(std::vector<MallRedemption>& mall) {
  for (std::size_t i = 1; i < mall.size(); ++i) {
    for (std::size_t j = i; j > 0 && mall[j].at < mall[j - 1].at; --j) std::swap(mall[j], mall[j - 1]);
  }
}

// Keys in ascending order (JsonWriter checks it).
void write_task_state(JsonWriter& w, const TaskState& t) {
  w.begin_object().field("box_chances", t.box_chances);
  write_brought_by(w, t);
  write_campaign_friends(w, t);
  if (t.checkin) {
    w.key("checkin").begin_object();
    write_dates(w, "days", t.checkin->days);
    write_dates(w, "made_up", t.checkin->made_up);
    w.field("start", DayText(t.checkin->start).view()).field("streak_before", t.checkin->streak_before);
    w.end_object();
  }
  w.field("checkins", t.checkins);
  w.key("coupons").begin_array();
  for (const HeldCoupon& c : t.coupons) {
    w.begin_object().field("coupon", std::string_view(c.coupon)).field("event_id", std::string_view(c.event_id))
        .field("expires_at", c.expires_at).field("granted_at", c.granted_at).end_object();
  }
  w.end_array();
  w.field("draws", t.draws);
  if (t.invited_by) w.field("invited_by", std::string_view(*t.invited_by));
  w.field("invitee_rewarded", t.invitee_rewarded);
  w.key("invitees").begin_array();
  for (const Invitee& i : t.invitees) {
    w.begin_object().field("member_id", std::string_view(i.member_id)).field("rewarded", i.rewarded).end_object();
  }
  w.end_array();
  write_strings(w, "liked", t.liked);
  w.field("makeup_cards", t.makeup_cards);
  if (!t.mall.empty()) {
    w.key("mall").begin_array();
    for (const MallRedemption& r : t.mall) {
      w.begin_object().field("at", r.at).field("box_chances", r.box_chances);
      if (r.cancelled_at) w.field("cancelled_at", *r.cancelled_at);
      w.field("cash", r.cash).field("id", std::string_view(r.id)).field("item", std::string_view(r.item));
      write_redeemed_parts(w.key("parts"), r.parts);
      w.field("points", r.points).field("quantity", r.quantity).field("red_packet", r.red_packet).end_object();
    }
    w.end_array();
  }
  w.key("progress").begin_array();
  for (const TaskProgress& p : t.progress) {
    w.begin_object().field("count", p.count).field("done", p.done);
    write_strings(w, "items", p.items);
    w.field("period", DayText(p.period).view()).field("task", std::string_view(p.task)).end_object();
  }
  w.end_array();
  w.field("red_packet", t.red_packet).field("referrals_rewarded", t.referrals_rewarded);
  write_strings(w, "scanned", t.scanned);
  if (t.today.day >= 0) {
    w.key("today").begin_object().field("date", DayText(t.today.day).view())
        .field("free_draws", t.today.free_draws).field("likes", t.today.likes).field("scans", t.today.scans)
        .field("task_points", t.today.task_points).end_object();
  }
  w.end_object();
}

}  // namespace loyalty
