// MemberState <-> compact bytes (state_snapshot.hpp). The writer follows
// write_state() field by field; the reader checks what the JSON reader
// checks, so that a state read from bytes is one JSON would also take.
#include "loyalty/state_snapshot.hpp"

#include <algorithm>
#include <cassert>
#include <cstdint>
#include <optional>
#include <type_traits>
#include <vector>

#include "json_reader.hpp"
#include "loyalty/packed_snapshot.hpp"
#include "loyalty/recall.hpp"
#include "task_json.hpp"

namespace loyalty {

namespace {

constexpr char kMagic[] = {'L', 'C', 'S'};
constexpr std::size_t kMaxText = 128;
constexpr std::size_t kMaxRemembered = 100000;  // as the JSON reader

std::int64_t max_day() {
  static const std::int64_t day = day_number_from_date(LocalDate{9999, 12, 31});
  return day;
}

// Bytes go through a pointer into a buffer grown ahead of them: a
// std::string append per byte is a call in the WASM build's libc++.
class Writer {
 public:
  // `expected`: the bytes the caller expects, so that the buffer grows once.
  explicit Writer(std::size_t expected = 0) {
    room(std::max(expected, sizeof kMagic + 1));
    for (char c : kMagic) *at_++ = c;
    *at_++ = static_cast<char>(kSnapshotVersion);
  }

  void varint(std::uint64_t v) {
    room(10);
    while (v >= 0x80) {
      *at_++ = static_cast<char>((v & 0x7f) | 0x80);
      v >>= 7;
    }
    *at_++ = static_cast<char>(v);
  }
  void integer(std::int64_t v) { varint((static_cast<std::uint64_t>(v) << 1) ^ static_cast<std::uint64_t>(v >> 63)); }
  void text(std::string_view s) {
    varint(s.size());
    room(s.size());
    std::copy(s.begin(), s.end(), at_);
    at_ += s.size();
  }
  void flag(bool b) {
    room(1);
    *at_++ = b ? 1 : 0;
  }
  template <typename T, typename Write>
  void optional(const std::optional<T>& v, Write write) {
    flag(v.has_value());
    if (v) write(*v);
  }
  template <typename Items, typename Write>
  void list(const Items& items, Write write) {
    varint(items.size());
    for (const auto& item : items) write(item);
  }
  // Bytes written elsewhere, as they are; and what was written from a size on.
  void raw(std::string_view bytes) {
    room(bytes.size());
    std::copy(bytes.begin(), bytes.end(), at_);
    at_ += bytes.size();
  }
  std::size_t size() const { return static_cast<std::size_t>(at_ - out_.data()); }
  std::string_view since(std::size_t from) const { return std::string_view(out_.data() + from, size() - from); }
  std::string take() {
    out_.resize(size());
    return std::move(out_);
  }

 private:
  void room(std::size_t n) {
    const auto used = static_cast<std::size_t>(at_ - out_.data());
    if (out_.size() - used >= n) return;
    out_.resize(std::max<std::size_t>({out_.size() * 2, used + n, 4096}));
    at_ = out_.data() + used;
  }

  std::string out_;
  char* at_ = out_.data();
};

void write_parts(Writer& w, const std::vector<RedeemedPart>& parts) {
  w.list(parts, [&](const RedeemedPart& r) {
    w.integer(r.earned_at);
    w.optional(r.expires_at, [&](TimeMs t) { w.integer(t); });
    w.text(r.lot);
    w.integer(r.points);
  });
}

void write_tasks(Writer& w, const TaskState& t) {
  w.integer(t.box_chances);
  w.optional(t.checkin, [&](const CheckinCycle& c) {
    w.list(c.days, [&](std::int64_t d) { w.integer(d); });
    w.list(c.made_up, [&](std::int64_t d) { w.integer(d); });
    w.integer(c.start);
    w.integer(c.streak_before);
  });
  w.integer(t.checkins);
  w.list(t.coupons, [&](const HeldCoupon& c) {
    w.text(c.coupon);
    w.text(c.event_id);
    w.integer(c.expires_at);
    w.integer(c.granted_at);
  });
  w.integer(t.draws);
  w.optional(t.invited_by, [&](const std::string& s) { w.text(s); });
  w.flag(t.invitee_rewarded);
  w.list(t.invitees, [&](const Invitee& i) {
    w.text(i.member_id);
    w.flag(i.rewarded);
  });
  w.list(t.liked, [&](const std::string& s) { w.text(s); });
  w.integer(t.makeup_cards);
  w.list(t.progress, [&](const TaskProgress& p) {
    w.integer(p.count);
    w.flag(p.done);
    w.list(p.items, [&](const std::string& s) { w.text(s); });
    w.integer(p.period);
    w.text(p.task);
  });
  w.integer(t.red_packet);
  w.integer(t.referrals_rewarded);
  w.list(t.scanned, [&](const std::string& s) { w.text(s); });
  w.flag(t.today.day >= 0);
  if (t.today.day >= 0) {
    w.integer(t.today.day);
    w.integer(t.today.free_draws);
    w.integer(t.today.likes);
    w.integer(t.today.scans);
    w.integer(t.today.task_points);
  }
  // From version 4, after the fields of version 3.
  w.list(t.mall, [&](const MallRedemption& r) {
    w.integer(r.at);
    w.integer(r.box_chances);
    w.optional(r.cancelled_at, [&](TimeMs at) { w.integer(at); });
    w.integer(r.cash);
    w.text(r.id);
    w.text(r.item);
    write_parts(w, r.parts);
    w.integer(r.points);
    w.integer(r.quantity);
    w.integer(r.red_packet);
  });
  // From version 6.
  w.list(t.spokesperson.campaigns, [&](const CampaignFriends& c) {
    w.text(c.campaign);
    w.integer(c.day);
    w.list(c.friends, [&](const CountedFriend& f) {
      w.integer(f.actions);
      w.text(f.member_id);
    });
    w.integer(c.today);
  });
  w.list(t.spokesperson.brought_by, [&](const BroughtBy& b) {
    w.text(b.campaign);
    w.flag(b.joined);
    w.integer(b.sent);
    w.text(b.spokesperson);
  });
}

// A callable passed down without a template: the list and optional
// readers are then one function each, not one per field (the module's size).
class Step {
 public:
  template <typename F>
  Step(F&& f) : target_(&f), call_([](void* t) { (*static_cast<std::remove_reference_t<F>*>(t))(); }) {}  // NOLINT
  void operator()() const { call_(target_); }

 private:
  void* target_;
  void (*call_)(void*);
};

// Reads the bytes in order; the first problem stops it, with the path of
// the field it was reading.
class Reader {
 public:
  Reader(std::string_view bytes, Errors& errors) : in_(bytes), errors_(errors) {}

  bool ok() const { return errors_.empty(); }
  bool at_end() const { return pos_ == in_.size(); }

  // The field or item being read, for error paths.
  class Scope {
   public:
    Scope(Reader& r, const char* key) : r_(r) { r_.enter({key, 0, false}); }
    Scope(Reader& r, std::size_t index) : r_(r) { r_.enter({"", index, true}); }
    ~Scope() { --r_.depth_; }
    Scope(const Scope&) = delete;
    Scope& operator=(const Scope&) = delete;

   private:
    Reader& r_;
  };

  void fail(std::string code, std::string message) {
    if (!ok()) return;
    std::string path = "state";
    for (std::size_t i = 0; i < std::min(depth_, kMaxDepth); ++i) {
      const Part& p = path_[i];
      if (p.is_index) path = json_reader::index_path(path, p.index);
      else if (*p.key) path = json_reader::member_path(path, p.key);  // "": the value of the part above
    }
    errors_.push_back({std::move(code), std::move(message), std::move(path)});
  }

  bool header() {
    if (in_.size() < 4 || !std::equal(kMagic, kMagic + 3, in_.begin())) {
      fail("snapshot.bad_header", "is not a member state snapshot");
      return false;
    }
    version_ = static_cast<unsigned char>(in_[3]);
    if (version_ < 1 || version_ > kSnapshotVersion) {
      fail("snapshot.bad_header", "is snapshot version " + std::to_string(version_) + "; this core reads versions 1 to " +
                                      std::to_string(kSnapshotVersion));
      return false;
    }
    pos_ = 4;
    return true;
  }

  unsigned char version() const { return version_; }

  std::optional<std::uint64_t> varint() {
    if (!ok()) return std::nullopt;
    std::uint64_t v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (pos_ == in_.size()) {
        fail("snapshot.truncated", "the snapshot ends inside this field");
        return std::nullopt;
      }
      const auto byte = static_cast<unsigned char>(in_[pos_++]);
      const std::uint64_t bits = byte & 0x7f;
      // The tenth byte holds only the top bit; a last byte of 0 is redundant.
      if ((shift == 63 && bits > 1) || (shift > 0 && byte == 0)) break;
      v |= bits << shift;
      if ((byte & 0x80) == 0) return v;
    }
    fail("snapshot.bad_varint", "is not a well-formed number");
    return std::nullopt;
  }

  std::optional<std::int64_t> integer(std::int64_t min, std::int64_t max) {
    auto u = varint();
    if (!u) return std::nullopt;
    const auto v = static_cast<std::int64_t>((*u >> 1) ^ (~(*u & 1) + 1));
    if (v < min || v > max) {
      fail("value.out_of_range", "must be between " + std::to_string(min) + " and " + std::to_string(max) +
                                     ", got " + std::to_string(v));
      return std::nullopt;
    }
    return v;
  }
  void integer(const char* key, std::int64_t& into, std::int64_t min, std::int64_t max) {
    Scope s(*this, key);
    if (auto v = integer(min, max)) into = *v;
  }
  void count(const char* key, std::int64_t& into) { integer(key, into, 0, kMaxSafeInteger); }
  void time(const char* key, TimeMs& into) { integer(key, into, kMinTimeMs, kMaxTimeMs); }
  // A time written as its difference from `base`, itself a time.
  void time_from(const char* key, TimeMs& into, TimeMs base) {
    Scope s(*this, key);
    if (auto v = integer(kMinTimeMs - base, kMaxTimeMs - base)) into = base + *v;
  }
  void day(const char* key, std::int64_t& into) { integer(key, into, 0, max_day()); }

  std::optional<std::string> text(std::size_t max_bytes) {
    auto n = varint();
    if (!n) return std::nullopt;
    return text_of(*n, max_bytes);
  }
  // Text whose byte count was read already.
  std::optional<std::string> text_of(std::uint64_t n, std::size_t max_bytes) {
    if (n > max_bytes) {
      fail("value.too_long", "must be at most " + std::to_string(max_bytes) + " bytes");
      return std::nullopt;
    }
    if (n > in_.size() - pos_) {
      fail("snapshot.truncated", "the snapshot ends inside this text");
      return std::nullopt;
    }
    const auto bytes = static_cast<std::size_t>(n);  // at most max_bytes
    std::string s(in_.substr(pos_, bytes));
    pos_ += bytes;
    if (!is_valid_utf8(s)) {
      fail("value.invalid_utf8", "is not UTF-8 text");
      return std::nullopt;
    }
    return s;
  }
  void text(const char* key, std::string& into) {
    Scope s(*this, key);
    if (auto v = text(kMaxText)) into = std::move(*v);
  }
  void identifier(const char* key, std::string& into) {
    Scope s(*this, key);
    auto v = text(64);
    if (v && !json_reader::is_identifier(*v)) fail("value.invalid_id", "must be 1 to 64 characters of A-Z a-z 0-9 _ - . :");
    if (v && ok()) into = std::move(*v);
  }

  std::optional<bool> flag() {
    if (!ok()) return std::nullopt;
    if (pos_ == in_.size()) {
      fail("snapshot.truncated", "the snapshot ends inside this field");
      return std::nullopt;
    }
    const auto byte = static_cast<unsigned char>(in_[pos_++]);
    if (byte > 1) {
      fail("value.out_of_range", "must be a flag, 0 or 1");
      return std::nullopt;
    }
    return byte == 1;
  }
  void flag(const char* key, bool& into) {
    Scope s(*this, key);
    if (auto v = flag()) into = *v;
  }

  // An optional field: read by `read` when present.
  void optional(const char* key, Step read) {
    Scope s(*this, key);
    if (auto present = flag(); present && *present) read();
  }

  // A list of at most `max` items, each read by `read(index)`. Every item
  // takes at least one byte, so a count beyond what is left is refused
  // before anything is allocated.
  void list(const char* key, std::size_t max, Step read) {
    Scope s(*this, key);
    auto n = varint();
    if (!n) return;
    if (*n > max) {
      fail("value.too_many", "must hold at most " + std::to_string(max) + " items, has " + std::to_string(*n));
      return;
    }
    if (*n > in_.size() - pos_) {
      fail("snapshot.truncated", "the snapshot ends inside this list");
      return;
    }
    for (std::size_t i = 0; i < *n && ok(); ++i) {
      Scope item(*this, i);
      read();
    }
  }

  void tier(const Program& program, const char* key, std::size_t& into) {
    Scope s(*this, key);
    auto id = text(64);
    if (!id) return;
    auto index = program.held_tier_index(*id);
    if (!index) fail("state.unknown_tier", "\"" + *id + "\" is not a tier of this programme");
    else into = *index;
  }

 private:
  struct Part {
    const char* key;  // a literal: its length is needed only for an error
    std::size_t index;
    bool is_index;
  };
  // Nested fields are at most a few deep (state.orders[i].redeemed[j].lot).
  static constexpr std::size_t kMaxDepth = 8;
  void enter(Part part) {
    if (depth_ < kMaxDepth) path_[depth_] = part;
    ++depth_;
  }

  std::string_view in_;
  std::size_t pos_ = 0;
  unsigned char version_ = 0;  // of the format, from the header
  Errors& errors_;
  Part path_[kMaxDepth] = {};
  std::size_t depth_ = 0;
};

// Sorted and unique, as the JSON reader leaves them (the core searches them).
template <typename T>
bool sorted_unique(const std::vector<T>& v) {
  return std::adjacent_find(v.begin(), v.end(), [](const T& a, const T& b) { return !(a < b); }) == v.end();
}

void read_days(Reader& r, const char* key, std::vector<std::int64_t>& into) {
  r.list(key, kMaxCheckinCycle, [&] {
    std::int64_t d = 0;
    r.day("", d);
    into.push_back(d);
  });
  if (r.ok() && !sorted_unique(into)) {
    Reader::Scope s(r, key);
    r.fail("value.out_of_range", "days must be ascending and unique");
  }
}

void read_texts(Reader& r, const char* key, std::size_t max, std::vector<std::string>& into) {
  r.list(key, max, [&] {
    std::string s;
    r.text("", s);
    into.push_back(std::move(s));
  });
  if (r.ok() && !sorted_unique(into)) {
    Reader::Scope s(r, key);
    r.fail("value.out_of_range", "must be ascending and unique");
  }
}

void read_text_set(Reader& r, const char* key, TextSet& into) {
  std::vector<std::string> texts;
  read_texts(r, key, kMaxRemembered, texts);
  into = TextSet(std::make_move_iterator(texts.begin()), std::make_move_iterator(texts.end()));
}

void read_parts(Reader& r, const char* key, std::vector<RedeemedPart>& into) {
  r.list(key, 10000, [&] {
    RedeemedPart part;
    r.time("earned_at", part.earned_at);
    r.optional("expires_at", [&] { r.time("", part.expires_at.emplace()); });
    r.text("lot", part.lot);
    r.integer("points", part.points, 1, kMaxSafeInteger);
    into.push_back(std::move(part));
  });
}

void read_tasks(Reader& r, TaskState& t) {
  r.count("box_chances", t.box_chances);
  r.optional("checkin", [&] {
    CheckinCycle c;
    read_days(r, "days", c.days);
    read_days(r, "made_up", c.made_up);
    r.day("start", c.start);
    r.count("streak_before", c.streak_before);
    t.checkin = std::move(c);
  });
  r.count("checkins", t.checkins);
  r.list("coupons", 10000, [&] {
    HeldCoupon c;
    r.identifier("coupon", c.coupon);
    r.text("event_id", c.event_id);
    r.time("expires_at", c.expires_at);
    r.time("granted_at", c.granted_at);
    t.coupons.push_back(std::move(c));
  });
  r.count("draws", t.draws);
  r.optional("invited_by", [&] {
    std::string s;
    r.text("", s);
    t.invited_by = std::move(s);
  });
  r.flag("invitee_rewarded", t.invitee_rewarded);
  r.list("invitees", kMaxRemembered, [&] {
    Invitee i;
    r.text("member_id", i.member_id);
    r.flag("rewarded", i.rewarded);
    t.invitees.push_back(std::move(i));
  });
  read_text_set(r, "liked", t.liked);
  r.count("makeup_cards", t.makeup_cards);
  r.list("progress", kMaxLimitedTasks, [&] {
    TaskProgress p;
    r.count("count", p.count);
    r.flag("done", p.done);
    read_texts(r, "items", 10000, p.items);
    r.day("period", p.period);
    r.identifier("task", p.task);
    t.progress.push_back(std::move(p));
  });
  r.count("red_packet", t.red_packet);
  r.count("referrals_rewarded", t.referrals_rewarded);
  read_text_set(r, "scanned", t.scanned);
  r.optional("today", [&] {
    r.day("date", t.today.day);
    r.count("free_draws", t.today.free_draws);
    r.count("likes", t.today.likes);
    r.count("scans", t.today.scans);
    r.count("task_points", t.today.task_points);
  });
  if (r.version() < 4) return;
  r.list("mall", kMaxMallRedemptions, [&] {
    MallRedemption m;
    r.time("at", m.at);
    r.count("box_chances", m.box_chances);
    r.optional("cancelled_at", [&] { r.time("", m.cancelled_at.emplace()); });
    r.count("cash", m.cash);
    r.text("id", m.id);
    r.identifier("item", m.item);
    read_parts(r, "parts", m.parts);
    r.count("points", m.points);
    r.integer("quantity", m.quantity, 1, kMaxMallQuantity);
    r.count("red_packet", m.red_packet);
    t.mall.push_back(std::move(m));
  });
  put_in_time_order(t.mall);
  if (r.version() < 6) return;
  const auto actions = [&](const char* key, std::uint8_t& into) {
    std::int64_t bits = 0;
    r.integer(key, bits, 0, 15);
    into = static_cast<std::uint8_t>(bits);
  };
  r.list("campaigns", 1000, [&] {
    CampaignFriends c;
    r.identifier("campaign", c.campaign);
    r.integer("date", c.day, -1, max_day());
    r.list("friends", kMaxCampaignFriends, [&] {
      CountedFriend f;
      actions("actions", f.actions);
      r.text("member_id", f.member_id);
      c.friends.push_back(std::move(f));
    });
    r.integer("today", c.today, 0, kMaxCampaignFriends);
    t.spokesperson.campaigns.push_back(std::move(c));
  });
  r.list("brought_by", 1000, [&] {
    BroughtBy b;
    r.identifier("campaign", b.campaign);
    r.flag("joined", b.joined);
    actions("sent", b.sent);
    r.text("spokesperson", b.spokesperson);
    t.spokesperson.brought_by.push_back(std::move(b));
  });
}

void read_order(Reader& r, const Program& program, OrderRecord& o) {
  r.time("at", o.at);
  r.count("growth", o.growth);
  r.count("growth_clawed", o.growth_clawed);
  r.list("lines", kMaxCartLines, [&] {
    OrderLineRecord line;
    {
      Reader::Scope s(r, "category");
      std::string id;
      r.identifier("", id);
      auto index = program.held_category_index(id);
      if (r.ok() && !index) r.fail("cart.unknown_category", "\"" + id + "\" is not a category of this programme");
      line.category = index.value_or(0);
    }
    r.count("paid", line.paid);
    r.count("points", line.points);
    r.integer("quantity", line.quantity, 1, kMaxQuantity);
    r.integer("refunded_quantity", line.refunded_quantity, 0, kMaxQuantity);
    r.text("sku", line.sku);
    o.lines.push_back(std::move(line));
  });
  r.text("order_id", o.order_id);
  r.count("paid", o.paid);
  r.count("paid_refunded", o.paid_refunded);
  r.count("points", o.points);
  r.count("points_clawed", o.points_clawed);
  read_parts(r, "redeemed", o.redeemed);
  r.count("redeemed_points", o.redeemed_points);
  r.count("redeemed_returned", o.redeemed_returned);
  r.list("refund_ids", 1000, [&] {
    std::string id;
    r.text("", id);
    o.refund_ids.push_back(std::move(id));
  });
}

}  // namespace

bool is_valid_utf8(std::string_view text) {
  for (std::size_t i = 0; i < text.size();) {
    const auto c = static_cast<unsigned char>(text[i]);
    const std::size_t n = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xe ? 3 : (c >> 3) == 0x1e ? 4 : 0;
    if (n == 0 || n > text.size() - i) return false;
    std::uint32_t code = n == 1 ? c : c & (0x7fu >> n);
    for (std::size_t k = 1; k < n; ++k) {
      const auto b = static_cast<unsigned char>(text[i + k]);
      if ((b >> 6) != 0x2) return false;
      code = (code << 6) | (b & 0x3fu);
    }
    constexpr std::uint32_t kLeast[] = {0, 0, 0x80, 0x800, 0x10000};
    if (code < kLeast[n] || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) return false;
    i += n;
  }
  return true;
}

// The held orders' list as state_snapshot() writes it.
void write_orders(Writer& w, const Program& program, const HeldOrders& orders) {
  w.list(orders, [&](const OrderRecord& o) {
    w.integer(o.at);
    w.integer(o.growth);
    w.integer(o.growth_clawed);
    w.list(o.lines, [&](const OrderLineRecord& l) {
      w.text(program.categories[l.category].id);
      w.integer(l.paid);
      w.integer(l.points);
      w.integer(l.quantity);
      w.integer(l.refunded_quantity);
      w.text(l.sku);
    });
    w.text(o.order_id);
    w.integer(o.paid);
    w.integer(o.paid_refunded);
    w.integer(o.points);
    w.integer(o.points_clawed);
    write_parts(w, o.redeemed);
    w.integer(o.redeemed_points);
    w.integer(o.redeemed_returned);
    w.list(o.refund_ids, [&](const std::string& id) { w.text(id); });
  });
}

// Lots, from version 7 (the format in state_snapshot.hpp): each time as its
// difference from the same time of the lot written before, and an order id
// that is the lot's own id as 0. Lots earned one after another are mostly
// alike, so a member's hundreds of lots take about half the bytes, and the
// sync server, which writes them after every request, writes and packs less.
void write_lots(Writer& w, const Lots& lots) {
  w.varint(lots.size());
  TimeMs earned = 0, expires = 0, vests = 0;
  for (const Lot& lot : lots) {
    w.integer(lot.earned_at - earned);
    earned = lot.earned_at;
    w.optional(lot.expires_at, [&](TimeMs t) {
      w.integer(t - expires);
      expires = t;
    });
    w.text(lot.id);
    if (lot.order_id == lot.id) {
      w.varint(0);
    } else {
      w.varint(lot.order_id.size() + 1);
      w.raw(lot.order_id);
    }
    w.integer(lot.points);
    w.optional(lot.vests_at, [&](TimeMs t) {
      w.integer(t - vests);
      vests = t;
    });
  }
}

std::string state_snapshot(const Program& program, const MemberState& s, bool keep_orders, std::size_t* orders_at) {
  // With the orders' bytes kept, the rest is mostly lots (~20 bytes each):
  // the buffer is zero-filled as it grows, so it is sized near what is written.
  const std::string* kept = keep_orders ? s.orders.kept_snapshot(&program) : nullptr;
  Writer w(kept ? kept->size() + 32 * s.lots.size() + 1024 : 0);
  w.list(s.activity, [&](const ActivityDay& a) {
    w.integer(a.day);
    w.integer(a.growth);
    w.integer(a.orders);
    w.integer(a.spend);
  });
  w.optional(s.birthday, [&](const MonthDay& b) {
    w.integer(b.month);
    w.integer(b.day);
  });
  w.integer(s.birthday_gift_year);
  w.flag(s.cap_day.period >= 0);
  if (s.cap_day.period >= 0) {
    w.integer(s.cap_day.period);
    w.integer(s.cap_day.used);
  }
  w.flag(s.cap_month.period >= 0);
  if (s.cap_month.period >= 0) {
    w.integer(s.cap_month.period);
    w.integer(s.cap_month.used);
  }
  w.integer(s.clock);
  w.integer(s.debt);
  w.optional(s.downgrade, [&](const PendingDowngrade& d) {
    w.integer(d.at);
    w.text(program.tiers[d.to].id);
  });
  w.integer(s.growth);
  w.integer(s.joined_at);
  w.optional(s.last_activity_at, [&](TimeMs t) { w.integer(t); });
  w.integer(s.lifetime_orders);
  w.integer(s.lifetime_spend);
  write_lots(w, s.lots);
  w.text(s.member_id);
  if (orders_at) *orders_at = w.size();
  if (kept) {
    w.raw(*kept);
#ifndef NDEBUG
    Writer check;
    const std::size_t header = check.size();
    write_orders(check, program, s.orders);
    assert(check.since(header) == *kept);  // every change to the orders forgets what was kept
#endif
  } else {
    const std::size_t from = w.size();
    write_orders(w, program, s.orders);
    if (keep_orders) s.orders.keep_snapshot(&program, w.since(from));
  }
  w.optional(s.paid, [&](const PaidTerm& p) {
    w.integer(p.expires_at);
    w.text(program.tiers[p.tier].id);
  });
  w.optional(s.points_active_at, [&](TimeMs t) { w.integer(t); });
  w.optional(s.recall, [&](const RecallGiven& g) {
    w.integer(g.entered_at);
    w.text(program.lifecycle.recall[g.offer].id);
    w.flag(g.used);
  });
  w.list(s.recent_events, [&](const std::string& id) { w.text(id); });
  write_tasks(w, s.tasks);
  w.optional(s.tier, [&](std::size_t t) { w.text(program.tiers[t].id); });
  w.integer(s.tier_since);
  w.integer(s.version);
  w.list(s.tags, [&](const std::string& tag) { w.text(tag); });  // from version 5
  return w.take();
}

namespace {

// Lots as write_lots writes them, or as versions before 7 did (each time
// whole, each order id as text).
std::vector<Lot> read_lots(Reader& r) {
  const bool relative = r.version() >= 7;
  std::vector<Lot> lots;
  TimeMs earned = 0, expires = 0, vests = 0;
  r.list("lots", 100000, [&] {
    Lot lot;
    r.time_from("earned_at", lot.earned_at, relative ? earned : 0);
    earned = lot.earned_at;
    r.optional("expires_at", [&] {
      r.time_from("", lot.expires_at.emplace(), relative ? expires : 0);
      expires = *lot.expires_at;
    });
    r.text("id", lot.id);
    if (relative) {
      Reader::Scope key(r, "order_id");
      if (auto n = r.varint(); n && *n == 0) lot.order_id = lot.id;
      else if (n) lot.order_id = r.text_of(*n - 1, kMaxText).value_or("");
    } else {
      r.text("order_id", lot.order_id);
    }
    r.integer("points", lot.points, 1, kMaxSafeInteger);
    r.optional("vests_at", [&] {
      r.time_from("", lot.vests_at.emplace(), relative ? vests : 0);
      vests = *lot.vests_at;
    });
    lots.push_back(std::move(lot));
  });
  return lots;
}

// The fields up to the member's join (its activity days, birthday, caps,
// clock, debt, a pending downgrade, growth, joined_at): all that
// member_join_from_snapshot reads.
void read_until_join(Reader& r, const Program& program, MemberState& s) {
  r.list("activity", 1000, [&] {
    ActivityDay a;
    r.day("date", a.day);
    r.integer("growth", a.growth, -kMaxSafeInteger, kMaxSafeInteger);
    r.integer("orders", a.orders, -kMaxSafeInteger, kMaxSafeInteger);
    r.integer("spend", a.spend, -kMaxSafeInteger, kMaxSafeInteger);
    if (r.ok() && !s.activity.empty() && s.activity.back().day >= a.day) {
      Reader::Scope d(r, "date");
      r.fail("state.activity_order", "days must be ascending and unique");
    }
    s.activity.push_back(a);
  });
  r.optional("birthday", [&] {
    std::int64_t month = 0;
    std::int64_t day = 0;
    r.integer("month", month, 1, 12);
    r.integer("day", day, 1, 31);
    if (r.ok() && !parse_iso_date(LocalDate{2000, static_cast<std::int32_t>(month), static_cast<std::int32_t>(day)}.iso())) {
      r.fail("value.invalid_date", "must be MM-DD");  // 2000: 02-29 exists
    }
    s.birthday = MonthDay{static_cast<std::int32_t>(month), static_cast<std::int32_t>(day)};
  });
  std::int64_t gift_year = 0;
  r.integer("birthday_gift_year", gift_year, 0, 9999);
  s.birthday_gift_year = static_cast<std::int32_t>(gift_year);
  r.optional("cap_day", [&] {
    r.day("date", s.cap_day.period);
    r.count("used", s.cap_day.used);
  });
  r.optional("cap_month", [&] {
    r.integer("month", s.cap_month.period, month_index(LocalDate{1970, 1, 1}), month_index(LocalDate{9999, 12, 1}));
    r.count("used", s.cap_month.used);
  });
  r.time("clock", s.clock);
  r.count("debt", s.debt);
  r.optional("downgrade", [&] {
    PendingDowngrade d;
    r.time("at", d.at);
    r.tier(program, "to", d.to);
    s.downgrade = d;
  });
  r.count("growth", s.growth);
  r.time("joined_at", s.joined_at);
}

}  // namespace

Result<MemberJoin> member_join_from_snapshot(const Program& program, std::string_view bytes) {
  Errors errors;
  Reader r(bytes, errors);
  MemberState s;
  if (!r.header()) return errors;
  read_until_join(r, program, s);
  if (!errors.empty()) return errors;
  return MemberJoin{s.joined_at, s.birthday};
}

Result<MemberState> member_state_from_snapshot(const Program& program, std::string_view bytes) {
  if (is_packed_snapshot(bytes)) {  // packed bytes hold a plain snapshot, never packed ones again
    auto unpacked = unpacked_snapshot(bytes);
    if (!unpacked.ok()) return unpacked.errors();
    if (is_packed_snapshot(unpacked.value())) return Errors{{"snapshot.bad_header", "a compressed state holds another", "state"}};
    return member_state_from_snapshot(program, unpacked.value());
  }
  Errors errors;
  Reader r(bytes, errors);
  MemberState s;
  if (!r.header()) return errors;
  read_until_join(r, program, s);
  r.optional("last_activity_at", [&] { r.time("", s.last_activity_at.emplace()); });
  r.count("lifetime_orders", s.lifetime_orders);
  r.count("lifetime_spend", s.lifetime_spend);
  s.lots.assign(read_lots(r));
  r.text("member_id", s.member_id);
  r.list("orders", 100000, [&] {
    OrderRecord o;
    read_order(r, program, o);
    if (r.ok() && !s.orders.empty() && o.at < s.orders.back().at) {
      Reader::Scope at(r, "at");
      r.fail("state.orders_order", "orders are held in the order they were placed");
    }
    s.orders.push_back(std::move(o));
  });
  r.optional("paid", [&] {
    PaidTerm p;
    r.time("expires_at", p.expires_at);
    r.tier(program, "tier", p.tier);
    s.paid = p;
  });
  if (r.version() >= 2) r.optional("points_active_at", [&] { r.time("", s.points_active_at.emplace()); });
  if (r.version() >= 3) {
    r.optional("recall", [&] {
      RecallGiven given;
      std::string offer;
      r.time("entered_at", given.entered_at);
      r.text("offer", offer);
      r.flag("used", given.used);
      // An offer the programme no longer has is forgotten, as in the JSON state.
      if (auto index = recall_offer_index(program, offer)) {
        given.offer = *index;
        s.recall = given;
      }
    });
  }
  r.list("recent_events", kRecentEvents, [&] {
    std::string id;
    r.text("", id);
    s.recent_events.push_back(std::move(id));
  });
  {
    Reader::Scope t(r, "tasks");
    read_tasks(r, s.tasks);
  }
  r.optional("tier", [&] { r.tier(program, "", s.tier.emplace()); });
  r.time("tier_since", s.tier_since);
  r.count("version", s.version);
  if (r.version() >= 5) {
    r.list("tags", kMaxTags, [&] {
      std::string tag;
      r.identifier("", tag);
      s.tags.insert(std::move(tag));
    });
  }
  if (r.ok() && !r.at_end()) r.fail("snapshot.trailing_bytes", "the snapshot goes on after its last field");
  if (r.ok() && s.tasks.checkin) {
    json_reader::ValueReader values(errors);
    check_checkin_cycle(values, *s.tasks.checkin, local_day_number(s.clock, program.utc_offset_minutes), "state.tasks.checkin");
  }
  if (!errors.empty()) return errors;
  return s;
}

}  // namespace loyalty
