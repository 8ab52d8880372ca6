// What the server decides, apart from HTTP: member batches, merchant events,
// joins, and reading members back. Every change runs the core's apply() in
// one store transaction per member, so a batch is kept whole or not at all.
//
// Idempotency: the first answer to an event id is stored with a hash of the
// event as sent. The same id again answers {"result":"duplicate","first":
// <the first answer, byte for byte>}; the same id with another body is
// refused ("event.id_reused") and changes nothing.
//
// Time: the server stamps every event with its own clock. A time the client
// claims ("at") is kept in the answer ("claimed_at") and used only when it is
// within the programme's sync.claimed_time_skew_seconds of the server's clock.
// Time never goes back for a member: an event is never stamped before the
// member's last one.
#pragma once

#include <cstdint>
#include <set>
#include <string>
#include <string_view>

#include "loyalty/engine.hpp"
#include "loyalty/json_codec.hpp"
#include "member_cache.hpp"
#include "program_versions.hpp"
#include "share_codes.hpp"
#include "store.hpp"

namespace loyalty::server {

struct HttpAnswer {
  int status = 200;
  std::string body;  // JSON
  std::int64_t retry_after_seconds = 0;  // sent as Retry-After when not 0 (429)
};

// 429 rate.limited, with the seconds until the next request is allowed.
HttpAnswer rate_limited_answer(const std::string& whose, std::int64_t wait_seconds);

// What a member's sync checks in the member's own transaction, with no
// query of its own: the token's epoch (refused if no longer the member's)
// and, where the store shares rate limits, a token of the member's bucket.
struct MemberChecks {
  std::int64_t token_epoch = 0;
  std::optional<RateTake> rate;
};

HttpAnswer error_answer(int status, const std::string& code, const std::string& message,
                        const std::string& path = "");
// 401 auth.revoked: the member token's epoch is no longer the member's.
HttpAnswer revoked_token_answer();
// The request body as a JSON object into `out`, or the answer that refuses it.
std::optional<HttpAnswer> parse_object(std::string_view body, Json& out);
// A field.unknown error for each of `object`'s fields not in `known`.
Errors unknown_fields(const Json& object, std::initializer_list<const char*> known, const std::string& prefix = "");

class SyncService {
 public:
  static constexpr std::size_t kMaxBatch = 100;

  // Members whose parsed state is held between their requests: at most
  // this many, and this much memory (MemberCache::bytes_held).
  static constexpr std::size_t kHeldMembers = 100000;
  static constexpr std::size_t kHeldMegabytes = 32;

  // `secret`: the servers' token secret, under which share codes are signed too.
  // Each event is applied under the programme version in force at its time.
  SyncService(ProgramVersions& programs, Store& store, std::size_t held_megabytes = kHeldMegabytes,
              const std::string& secret = "")
      : programs_(programs), store_(store), members_(kHeldMembers, held_megabytes << 20), share_codes_(secret) {}

  // The parsed states held between requests (for /healthz: what part of
  // the server's memory is this bounded cache).
  const MemberCache& held_members() const { return members_; }

  // The member's state in a batch's answer: "state" as JSON (the default),
  // "snapshot" as the core's binary snapshot in base64url (what a client
  // opens a session on: core.member(bytes); several times smaller and
  // cheaper to make for a member with history), "packed" the same bytes
  // as stored, LZ4-compressed when large (packed_snapshot.hpp: a third of
  // the bytes for a year of history, opened by the same call), or left out.
  enum class AnswerState { json, snapshot, packed, none };

  // POST /v1/sync: {"events": [...], "member_id"?, "state"?: "json" | "snapshot" | "packed" | "none"}
  // for the member the token names, after `checks`.
  HttpAnswer member_sync(const std::string& member_id, const MemberChecks& checks, std::string_view body,
                         std::int64_t now);
  // POST /v1/orders and /v1/refunds: one event of `type` for body.member_id.
  HttpAnswer merchant_event(const std::string& type, std::string_view body, std::int64_t now);
  // POST /v1/members: {"member_id", "birthday"?: "MM-DD", "inviter"?, "share_code"?}.
  // The same join again answers the first answer; a different one is "member.exists".
  // A share code brings the new member into its spokesperson's campaign.
  HttpAnswer join(std::string_view body, std::int64_t now);
  // Applies the events other members' transactions left for their members
  // (referral rewards); at start, it finishes what a crash cut short.
  void deliver_outbox(std::int64_t now);
  // The inviter's event when an invitee joins or first orders.
  static Json referral_event(const std::string& invitee, const std::string& stage);
  // GET /v1/me/share-code?campaign=: the member's signed code for a running
  // spokesperson campaign they may take part in.
  HttpAnswer share_code(const std::string& member_id, const std::string& campaign, std::int64_t now);
  // A member's state and version (GET /v1/me, GET /v1/members/{id}).
  // `state` names the form of the state in the answer, as /v1/sync's field
  // does: "json" (the default, also when empty), "snapshot" or "none".
  HttpAnswer member_view(const std::string& member_id, std::int64_t now, const std::string& state = "");
  // A member's ledger rows after `after` (GET .../ledger?after=&limit=).
  HttpAnswer ledger_view(const std::string& member_id, std::int64_t after, std::int64_t limit);
  // The points liability now (liability_report.hpp): every member read, so it takes a while on a large store.
  HttpAnswer liability_view(std::int64_t now);
  // GET /v1/reports/variants?from=&to=: the experiment's figures per variant
  // over local dates (variant_report.hpp); both default to today.
  HttpAnswer variants_view(const std::string& from, const std::string& to, std::int64_t now);
  // GET /v1/reports/activity: the ledger's figures for local days, in all and by variant.
  HttpAnswer activity_view(const std::string& from, const std::string& to, std::int64_t now);
  // Joins the member unless it exists (the demo login), through a share code if one is given.
  void ensure_member(const std::string& member_id, std::int64_t now, const std::string& share_code = "");

  // GET /v1/mall/fulfilments?after=&limit=: the goods mall redemptions ask to ship, in order.
  HttpAnswer fulfilments_view(std::int64_t after, std::int64_t limit);
  // GET /v1/mall: what is left of each stocked mall item, in all and today
  // (the member's catalogue takes it as its `stock`).
  HttpAnswer mall_stock(std::int64_t now);
  // GET /v1/boxes/stock: each box's prizes given and left (stocked ones),
  // and its daily budget used and left today.
  HttpAnswer box_stock(std::int64_t now);

  // GET /v1/boxes/{box}/commitment: SHA-256 of today's seed, published before any draw.
  HttpAnswer box_commitment(const std::string& box, std::int64_t now);
  // GET /v1/boxes/{box}/seeds/{window}: the seed of a window that is over.
  HttpAnswer box_seed_reveal(const std::string& box, const std::string& window, std::int64_t now);

  static bool valid_member_id(const std::string& id);

 private:
  // What the server adds to a member's event and records after it.
  struct ServerFacts {
    std::string scan_code;
    bool code_claimed = false;  // someone used it before
    const Box* box = nullptr;
    std::string window;
    Json draw;
    // A stocked mall item's units taken (a redemption) or given back (a cancellation) on a local day.
    const MallItem* mall_item = nullptr;
    std::string mall_day;
    std::int64_t mall_units = 0;
    // Goods to ship (a redemption of an item with goods), or a redemption whose goods are cancelled.
    const MallItem* goods_item = nullptr;
    std::int64_t goods_quantity = 0;
    std::string goods_cancelled;
  };
  // Who sent an event: the member's client, the merchant's backend (which
  // may say what cash it took) or the server itself (the outbox, trusted).
  enum class Sender { member, merchant, server };
  Result<bool> add_server_facts(MemberTransaction& tx, const Program& program, const std::string& member_id,
                                const MemberState& state, Json& event, Sender sender, ServerFacts& facts,
                                std::int64_t now);
  Result<bool> read_share_code(Json& event);
  // The friend's report that reaches the spokesperson through the outbox.
  static Json spokesperson_credit(const std::string& campaign, const std::string& friend_id, const std::string& action);
  // The new member's first event when it joined through a share code (checked).
  static Json joined_through_share(const ShareCode& share);
  void add_mall_stock(MemberTransaction& tx, const Program& program, const MemberState& state, const std::string& type,
                      Json& event, ServerFacts& facts);
  // A member's stored state, read under the version it was written under,
  // brought to the version in force at `at` if that is newer.
  MemberState read_member_state(const MemberRow& row, TimeMs at, HeldVersion& under);
  void record_server_facts(MemberTransaction& tx, const ServerFacts& facts, const Applied& outcome,
                           const std::string& event_id, std::int64_t now);
  // `checks`: a member's own sync's (none for the merchant's events).
  HttpAnswer apply_batch(const std::string& member_id, const Json& events, const std::set<std::string>& allowed,
                         AnswerState form, std::int64_t now, Sender sender = Sender::member,
                         const MemberChecks* checks = nullptr);

  ProgramVersions& programs_;
  Store& store_;
  MemberCache members_;
  ShareCodes share_codes_;
};

}  // namespace loyalty::server
