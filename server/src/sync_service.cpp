#include "sync_service.hpp"

#include <algorithm>
#include <random>

#include "base64url.hpp"
#include "liability_report.hpp"
#include "loyalty/apply.hpp"
#include "loyalty/json_codec.hpp"
#include "loyalty/sha256.hpp"
#include "loyalty/state_snapshot.hpp"
#include "stored_state.hpp"
#include "variant_report.hpp"

namespace loyalty::server {

namespace {

// The events a member's own client may send; orders, refunds and paid
// memberships come only from the merchant's backend.
const std::set<std::string> kMemberEvents = {"redeem", "checkin", "makeup", "like", "share", "scan", "draw", "mall_redeem",
                                             "spokesperson_visit"};
// What the outbox carries from one member's transaction to another's.
const std::set<std::string> kOutboxEvents = {"referral", "referred", "spokesperson_visit", "spokesperson_credit"};

// Fields only the server may fill in: who used a code first, a draw's seed,
// stock and budget. A client that sends them is refused, never believed.
const char* const kServerFields[] = {"code_used_by", "seed", "stock", "budget"};
// And what only the merchant's backend may say: the cash it took for a mall item.
const char* const kMerchantFields[] = {"cash_paid"};

// 32 bytes from the operating system's generator, as hex: a box window's seed.
std::string fresh_seed_hex() {
  std::random_device device;
  Digest bytes{};
  for (std::size_t i = 0; i < bytes.size(); i += 4) {
    const std::uint32_t word = device();
    for (std::size_t b = 0; b < 4; ++b) bytes[i + b] = static_cast<std::uint8_t>(word >> (8 * b));
  }
  return to_hex(bytes);
}

// An id as a JSON string. Ids are printable ASCII, which needs no escape
// but of '"' and '\\'; anything else is escaped by nlohmann, as dump() does.
std::string quoted(const std::string& text) {
  const bool plain = std::all_of(text.begin(), text.end(), [](char c) { return c >= 0x20 && c < 0x7f && c != '"' && c != '\\'; });
  if (!plain) return Json(text).dump();
  std::string out;
  out.reserve(text.size() + 2);
  out += '"';
  out += text;
  out += '"';
  return out;
}

bool answer_state_named(const std::string& name, SyncService::AnswerState& form) {
  if (name == "json") form = SyncService::AnswerState::json;
  else if (name == "snapshot") form = SyncService::AnswerState::snapshot;
  else if (name == "packed") form = SyncService::AnswerState::packed;
  else if (name == "none") form = SyncService::AnswerState::none;
  else return false;
  return true;
}

constexpr const char* kStateChoices = "must be \"json\", \"snapshot\", \"packed\" or \"none\"";

// Answers are stored per member under a key: member events under "event:"
// and their id, the join under "join", so that no event id can take its place.
std::string answer_key(const std::string& event_id) { return "event:" + event_id; }
constexpr const char* kJoinKey = "join";

HttpAnswer errors_answer(int status, const Errors& errors) { return {status, error_envelope(errors)}; }

// A snapshot in base64url as it is, or packed as the store keeps it.
void append_state_bytes(std::string& body, SyncService::AnswerState form, std::string_view snapshot) {
  if (form == SyncService::AnswerState::packed) append_base64url(body, stored_form_of_snapshot(snapshot));
  else append_base64url(body, snapshot);
}

// The member's state as an answer field in the form asked for (with its
// leading comma; none: nothing). `snapshot` and `packed`, when not empty,
// are the stored state's snapshot and stored form already made, so that
// neither is made twice.
void append_state_answer(std::string& body, const Program& program, const MemberState& state,
                         SyncService::AnswerState form, const std::string& snapshot, const std::string& packed) {
  if (form == SyncService::AnswerState::json) {
    body += ",\"state\":";
    body += state_json(program, state);
  } else if (form == SyncService::AnswerState::snapshot || form == SyncService::AnswerState::packed) {
    body += ",\"snapshot\":\"";
    if (form == SyncService::AnswerState::packed && !packed.empty()) append_base64url(body, packed);
    else if (snapshot.empty()) append_state_bytes(body, form, state_snapshot(program, state));
    else append_state_bytes(body, form, snapshot);
    body += '"';
  }
}

// A member id: 1 to 64 characters of letters, digits and "-_.:@".
std::optional<Error> check_member_id(const Json* value, const std::string& path) {
  if (!value) return Error{"field.missing", "is required", path};
  if (!value->is_string()) return Error{"type.expected_string", "must be a string", path};
  if (!SyncService::valid_member_id(value->get<std::string>())) {
    return Error{"member.invalid_id", "must be 1 to 64 letters, digits or -_.:@", path};
  }
  return std::nullopt;
}

const Json* find(const Json& object, const char* key) {
  auto it = object.find(key);
  return it == object.end() ? nullptr : &*it;
}

// The event's id, if it has a good one: a string of 1 to 128 characters.
const std::string* valid_event_id(const Json& event) {
  const Json* id = event.is_object() ? find(event, "id") : nullptr;
  if (!id || !id->is_string()) return nullptr;
  const std::string& text = id->get_ref<const std::string&>();
  return text.empty() || text.size() > 128 ? nullptr : &text;
}

MemberState stored_state(const Program& program, const MemberRow& row) {
  auto state = read_stored_state(program, row.state);
  if (!state.ok()) {
    throw StoreError("the stored state of " + row.member_id + " does not load: " + state.errors()[0].code);
  }
  return std::move(state).value();
}

// A state written under one programme version, as the next one reads it:
// the stored form names tiers and categories by id, which the newer
// version's `migrate` maps (its publication checked that it can).
MemberState migrated(const Program& from, const Program& to, const MemberState& state) {
  auto moved = read_stored_state(to, stored_form(from, state));
  if (!moved.ok()) {
    throw std::runtime_error("version " + std::to_string(to.version) + " cannot read " + state.member_id + "'s state: " +
                             moved.errors()[0].code);
  }
  return std::move(moved).value();
}

// The programme version answers name: what a client should hold now.
void append_program_version(std::string& body, std::int64_t version) {
  body += ",\"program_version\":";
  body += std::to_string(version);
}

std::string rejected(const std::string& id, const Errors& errors) {
  return "{\"errors\":" + errors_json(errors) + ",\"id\":" + quoted(id) + ",\"result\":\"rejected\"}";
}

// The entries of rows[from..] as a JSON array.
std::string json_array(const std::vector<LedgerRow>& rows, std::size_t from) {
  std::string out = "[";
  for (std::size_t i = from; i < rows.size(); ++i) out += (i > from ? "," : "") + rows[i].entry_json;
  return out + "]";
}

std::string balances_at(const Program& program, const MemberState& state, std::int64_t now) {
  // A state whose last event is now is already at now: no copy to bring it there.
  if (state.clock >= now) return balances_json(program, state);
  auto brought = state_at(program, state, now);
  return balances_json(program, brought.ok() ? brought.value() : state);
}

}  // namespace

// The request body as a JSON object, or the answer that refuses it.
std::optional<HttpAnswer> parse_object(std::string_view body, Json& out) {
  auto parsed = parse_json(body);
  if (!parsed.ok()) return errors_answer(400, parsed.errors());
  out = std::move(parsed).value();
  if (!out.is_object()) return error_answer(400, "type.expected_object", "the body must be a JSON object");
  return std::nullopt;
}

Errors unknown_fields(const Json& object, std::initializer_list<const char*> known, const std::string& prefix) {
  Errors errors;
  for (const auto& item : object.items()) {
    const std::string& key = item.key();  // a named variable: clang 14 cannot capture a structured binding
    if (std::none_of(known.begin(), known.end(), [&](const char* k) { return key == k; })) {
      errors.push_back({"field.unknown", "is not a known field", prefix + key});
    }
  }
  return errors;
}

HttpAnswer error_answer(int status, const std::string& code, const std::string& message, const std::string& path) {
  return {status, error_envelope({{code, message, path}})};
}

HttpAnswer revoked_token_answer() {
  return error_answer(401, "auth.revoked", "the member's tokens were revoked; log in again");
}

HttpAnswer rate_limited_answer(const std::string& whose, std::int64_t wait_seconds) {
  HttpAnswer answer = error_answer(429, "rate.limited", "too many requests " + whose + "; retry after " +
                                                            std::to_string(wait_seconds) + " s");
  answer.retry_after_seconds = wait_seconds;
  return answer;
}

bool SyncService::valid_member_id(const std::string& id) {
  return !id.empty() && id.size() <= 64 &&
         std::all_of(id.begin(), id.end(), [](char c) {
           return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                  std::string_view("-_.:@").find(c) != std::string_view::npos;
         });
}

namespace {

// A member's sync request read: its events and the state's form asked
// for, or the answer that refuses it.
std::optional<HttpAnswer> read_sync_request(const std::string& member_id, std::string_view body, Json& request,
                                            SyncService::AnswerState& form, const Json*& events) {
  if (auto refused = parse_object(body, request)) return refused;
  Errors errors = unknown_fields(request, {"events", "member_id", "state"});
  if (const Json* wanted = find(request, "state")) {
    if (!wanted->is_string() || !answer_state_named(wanted->get<std::string>(), form)) {
      errors.push_back({"value.unknown_choice", kStateChoices, "state"});
    }
  }
  if (const Json* claimed = find(request, "member_id")) {
    if (!claimed->is_string() || claimed->get<std::string>() != member_id) {
      return error_answer(403, "auth.other_member", "a member token acts for its own member only", "member_id");
    }
  }
  events = find(request, "events");
  if (!events) errors.push_back({"field.missing", "is required", "events"});
  else if (!events->is_array()) errors.push_back({"type.expected_array", "must be an array", "events"});
  if (!errors.empty()) return errors_answer(400, errors);
  if (events->size() > SyncService::kMaxBatch) {
    return error_answer(413, "sync.batch_too_large",
                        "send at most " + std::to_string(SyncService::kMaxBatch) + " events at once", "events");
  }
  return std::nullopt;
}

}  // namespace

HttpAnswer SyncService::member_sync(const std::string& member_id, const MemberChecks& checks, std::string_view body,
                                    std::int64_t now) {
  Json request;
  AnswerState form = AnswerState::json;
  const Json* events = nullptr;
  if (auto refused = read_sync_request(member_id, body, request, form, events)) {
    // Refused before the member's transaction, the request still counts
    // toward the member's limit, as every request does.
    if (checks.rate) {
      if (std::int64_t wait = store_.take_rate(RateBucket::member, member_id, *checks.rate)) {
        return rate_limited_answer("for this member", wait);
      }
    }
    return *refused;
  }
  return apply_batch(member_id, *events, kMemberEvents, form, now, Sender::member, &checks);
}

HttpAnswer SyncService::merchant_event(const std::string& type, std::string_view body, std::int64_t now) {
  Json request;
  if (auto refused = parse_object(body, request)) return *refused;
  if (auto bad = check_member_id(find(request, "member_id"), "member_id")) return errors_answer(400, {*bad});
  if (find(request, "type")) return error_answer(400, "field.unknown", "the endpoint names the event type", "type");
  const std::string member_id = request["member_id"].get<std::string>();
  request.erase("member_id");
  request["type"] = type;
  return apply_batch(member_id, Json::array({request}), {type}, AnswerState::json, now, Sender::merchant);
}

HttpAnswer SyncService::apply_batch(const std::string& member_id, const Json& events,
                                    const std::set<std::string>& allowed, AnswerState form, std::int64_t now,
                                    Sender sender, const MemberChecks* checks) {
  const HeldVersion current = programs_.in_force(now);
  const std::int64_t skew_ms = current->program().sync.claimed_time_skew_seconds * 1000;
  HttpAnswer answer;
  HeldVersion under;  // the version the member's state is read under, once its transaction is done
  bool sent_later = false;  // an inviter's referral reward fell due, or a spokesperson's friend acted
  std::optional<MemberState> committed;  // the member's state, once its transaction is done
  std::vector<LedgerRow> rows;  // each entry written once: for the answer, the response and the store
  std::string results;
  std::string snapshot;  // the state's snapshot, when the batch changed the member
  std::string packed;    // and its stored form, when the answer carries that
  std::vector<std::string> history;  // the events applied, for the member's event log
  // A member held in memory is first applied assuming its version is still
  // the store's (checked with the writes, one round trip on PostgreSQL); if
  // it was not, the transaction runs again, reading the member.
  bool assume_held = true;
  bool used_held = false;
  const auto member_transaction = [&](MemberTransaction& tx) {
    // A run that was rolled back (its group's or its stamp's) left nothing.
    answer = {};
    sent_later = false;
    committed.reset();
    rows.clear();
    snapshot.clear();
    packed.clear();
    history.clear();
    std::vector<std::string> keys;
    for (const Json& event : events) {
      if (const std::string* id = valid_event_id(event)) keys.push_back(answer_key(*id));
    }
    std::int64_t held_under = 0;
    auto held = members_.take(member_id, held_under);  // a request of the same member beside finds none
    std::optional<MemberStamp> assumed;
    if (held && assume_held) assumed = MemberStamp{held->version, checks ? checks->token_epoch : -1};
    std::map<std::string, StoredAnswer> answered;  // and those given in this batch, as it goes
    const auto stamp = tx.member_stamp(keys, answered, checks && checks->rate ? &*checks->rate : nullptr,
                                       assumed ? &*assumed : nullptr);
    if (!stamp) {
      answer = error_answer(404, "member.unknown", "no member " + member_id + " has joined", "member_id");
      return;
    }
    if (checks && checks->token_epoch != stamp->token_epoch) {
      answer = revoked_token_answer();
      return;
    }
    if (stamp->rate_wait_seconds) {
      answer = rate_limited_answer("for this member", stamp->rate_wait_seconds);
      return;
    }
    MemberState state;
    HeldVersion reading = held && held->version == stamp->version ? programs_.version(held_under) : nullptr;
    used_held = reading != nullptr;
    if (reading) {
      state = std::move(*held);
    } else {
      state = read_member_state(*tx.member(), 0, reading);
    }
    const std::int64_t version_before = state.version;
    const std::int64_t program_before = reading->version();
    results = "[";
    for (const Json& event : events) {
      if (results.size() > 1) results += ",";
      if (!event.is_object()) {
        results += rejected("", {{"type.expected_object", "an event is a JSON object", "event"}});
        continue;
      }
      const std::string* valid_id = valid_event_id(event);
      if (!valid_id) {
        results += rejected("", {{find(event, "id") ? "event.invalid_id" : "field.missing",
                                  "an event needs an id: a string of 1 to 128 characters", "event.id"}});
        continue;
      }
      const std::string& event_id = *valid_id;
      const std::string body_sha256 = to_hex(sha256(event.dump()));
      const std::string key = answer_key(event_id);
      if (const auto given = answered.find(key); given != answered.end()) {
        const StoredAnswer& first = given->second;
        results += first.body_sha256 == body_sha256
                       ? "{\"first\":" + first.answer + ",\"id\":" + quoted(event_id) + ",\"result\":\"duplicate\"}"
                       : rejected(event_id, {{"event.id_reused", "this id was used for another event", "event.id"}});
        continue;
      }

      std::string first;
      const Json* type = find(event, "type");
      const Json* claimed = find(event, "at");
      auto claimed_at = claimed ? time_from_json(*claimed, "event.at") : Result<TimeMs>(now);
      if (type && type->is_string() && !allowed.count(type->get<std::string>())) {
        first = rejected(event_id, {{"event.not_allowed", "this event cannot be sent here", "event.type"}});
      } else if (!claimed_at.ok()) {
        first = rejected(event_id, claimed_at.errors());
      } else {
        std::int64_t at = now;
        if (claimed && std::max(claimed_at.value(), now) - std::min(claimed_at.value(), now) <= skew_ms) {
          at = claimed_at.value();
        }
        at = std::max(at, state.clock);
        // Under the version in force at the event's time (a time claimed ahead
        // of the server's counts from now); a member never goes back to an
        // older version, as its time never goes back.
        if (const HeldVersion due = programs_.in_force(std::min(at, now)); due->version() > reading->version()) {
          state = migrated(reading->program(), due->program(), state);
          reading = due;
        }
        const Program& program = reading->program();
        Json stamped = event;
        stamped["at"] = at;
        ServerFacts facts;
        auto completed = add_server_facts(tx, program, member_id, state, stamped, sender, facts, now);
        auto parsed = completed.ok() ? event_from_json(program, stamped, "event") : Result<Event>(completed.errors());
        auto outcome = parsed.ok() ? apply_in_place(program, state, parsed.value()) : Result<Applied>(parsed.errors());
        if (!outcome.ok()) {
          first = rejected(event_id, outcome.errors());
        } else {
          Applied o = std::move(outcome).value();
          if (!o.duplicate) history.push_back(stamped.dump());  // as applied: replayed, it does the same
          const std::size_t first_row = rows.size();
          for (const LedgerEntry& e : o.ledger) {
            const std::string one = ledger_json({e});
            rows.push_back({0, e.event_id, e.at, ledger_kind_name(e.kind), e.available, e.pending, e.debt,
                            one.substr(1, one.size() - 2)});
          }
          record_server_facts(tx, facts, o, event_id, now);
          for (const Notice& n : o.notices) {
            if (n.kind == NoticeKind::referral_qualified) {
              tx.send_later(n.subject, referral_event(member_id, "first_order").dump(), now);
            } else if (n.kind == NoticeKind::spokesperson_friend) {
              tx.send_later(n.subject, spokesperson_credit(n.prize, member_id, friend_action_name(*n.action)).dump(), now);
            } else {
              continue;
            }
            sent_later = true;
          }
          first = "{\"at\":" + std::to_string(at) +
                  (claimed ? ",\"claimed_at\":" + std::to_string(claimed_at.value()) : std::string()) +
                  (facts.box ? ",\"draw\":" + facts.draw.dump() : std::string()) +
                  ",\"id\":" + quoted(event_id) + ",\"ledger\":" + json_array(rows, first_row) +
                  ",\"notices\":" + notices_json(program, o.notices) + ",\"result\":\"applied\"}";
        }
      }
      results += first;
      tx.put_answer(key, answered[key] = {body_sha256, std::move(first)}, now);
    }
    results += "]";

    tx.append_ledger(rows);
    tx.append_events(history);
    if (state.version != version_before || reading->version() != program_before) {
      // The member exists: an update keeps the inviter it joined with.
      std::size_t orders_at = 0;
      snapshot = state_snapshot(reading->program(), state, /*keep_orders=*/true, &orders_at);
      MemberRow row{member_id, stored_form_of_snapshot(snapshot, orders_at, state.orders, reading->program()),
                    state.version, "", reading->version()};
      tx.save_member(row, now);
      if (form == AnswerState::packed) packed = std::move(row.state);
    }
    committed = std::move(state);
    under = reading;
  };
  try {
    store_.with_member(member_id, member_transaction);
  } catch (const StaleStamp&) {
    // Rolled back: nothing of the first run is kept, and the held state is gone.
    assume_held = false;
    members_.count_rerun();
    store_.with_member(member_id, member_transaction);
  }
  if (!committed) return answer;
  members_.count_use(used_held);
  // Committed: the answer is made outside the store's transaction, and the
  // state is held for the member's next request.
  // One buffer, sized once: a large snapshot is copied into it, and only once.
  std::string& body = answer.body;
  body.reserve(256 + results.size() + (packed.empty() ? snapshot.size() : packed.size()) * 4 / 3);
  // The answer reads the state as the version in force now does, as the client will.
  if (current->version() > under->version()) {
    *committed = migrated(under->program(), current->program(), *committed);
    under = current;
    snapshot.clear();
    packed.clear();
  }
  const Program& program = under->program();
  body += "{\"balances\":";
  body += balances_at(program, *committed, now);
  body += ",\"ledger\":";
  body += json_array(rows, 0);
  body += ",\"member_id\":";
  body += quoted(member_id);
  append_program_version(body, current->version());
  body += ",\"results\":";
  body += results;
  body += ",\"server_time\":";
  body += std::to_string(now);
  append_state_answer(body, program, *committed, form, snapshot, packed);
  body += ",\"version\":";
  body += std::to_string(committed->version);
  body += '}';
  const std::size_t held_bytes = MemberCache::bytes_held(member_id, *committed);
  members_.put(member_id, std::move(*committed), under->version(), held_bytes);
  // The inviter's (or spokesperson's) side runs in their own transaction, from the outbox.
  if (sent_later) deliver_outbox(now);
  return answer;
}

// Under an id made from the invitee: delivered twice, it is applied once.
Json SyncService::referral_event(const std::string& invitee, const std::string& stage) {
  return {{"id", "referral:" + invitee + ":" + stage}, {"type", "referral"}, {"invitee", invitee}, {"stage", stage}};
}

// Under an id made from the friend and the action: counted once, however often delivered.
Json SyncService::spokesperson_credit(const std::string& campaign, const std::string& friend_id, const std::string& action) {
  std::string id = "spokesperson:" + campaign + ":" + friend_id + ":" + action;
  if (id.size() > 128) id = "spokesperson:" + to_hex(sha256(id)).substr(0, 40);  // long ids, still one per action
  return {{"id", id}, {"type", "spokesperson_credit"}, {"campaign", campaign}, {"friend", friend_id}, {"action", action}};
}

Json SyncService::joined_through_share(const ShareCode& share) {
  return {{"id", "join:spokesperson"}, {"type", "spokesperson_visit"}, {"campaign", share.campaign},
          {"spokesperson", share.member_id}, {"joined", true}};
}

void SyncService::deliver_outbox(std::int64_t now) {
  for (;;) {
    const auto items = store_.outbox(100);
    for (const OutboxItem& item : items) {
      // A member that never joined gets nothing; the item is done either way.
      if (store_.read_member(item.member_id)) {
        apply_batch(item.member_id, Json::array({Json::parse(item.event_json)}), kOutboxEvents, AnswerState::none, now,
                    Sender::server);
      }
      store_.outbox_done(item.seq);
    }
    if (items.size() < 100) return;
  }
}

// A member's visit names the share code it came through; the server reads
// the campaign and the spokesperson from it, and believes nothing else.
Result<bool> SyncService::read_share_code(Json& event) {
  for (const char* field : {"campaign", "spokesperson", "joined"}) {
    if (event.contains(field)) {
      return Errors{{"event.server_field", "is read from the share code by the server", std::string("event.") + field}};
    }
  }
  const Json* code = find(event, "code");
  if (!code) return Errors{{"field.missing", "the share code the member opened is required", "event.code"}};
  const auto share = code->is_string() ? share_codes_.verify(code->get<std::string>()) : std::nullopt;
  if (!share) return Errors{{"spokesperson.invalid_code", "is not a share code this server made", "event.code"}};
  event.erase("code");
  event["campaign"] = share->campaign;
  event["spokesperson"] = share->member_id;
  return true;
}

Result<bool> SyncService::add_server_facts(MemberTransaction& tx, const Program& program, const std::string& member_id,
                                           const MemberState& state, Json& event, Sender sender, ServerFacts& facts,
                                           std::int64_t now) {
  // The server's own events carry what it filled in before.
  if (sender == Sender::server) return true;
  for (const char* field : kServerFields) {
    if (event.contains(field)) return Errors{{"event.server_field", "is filled in by the server, never by a client",
                                              std::string("event.") + field}};
  }
  for (const char* field : kMerchantFields) {
    if (sender != Sender::merchant && event.contains(field)) {
      return Errors{{"event.server_field", "is the merchant's backend's to say, never a member's client",
                     std::string("event.") + field}};
    }
  }
  // Any JSON may be here: a type that is not a string is the core's to refuse.
  const Json* type_field = find(event, "type");
  const std::string type = type_field && type_field->is_string() ? type_field->get<std::string>() : "";
  if (type == "scan" && event.contains("code") && event["code"].is_string()) {
    facts.scan_code = event["code"].get<std::string>();
    const auto owner = tx.scan_code_owner(facts.scan_code);
    if (owner && *owner != member_id) event["code_used_by"] = *owner;
    facts.code_claimed = owner.has_value();
  }
  if (type == "spokesperson_visit") return read_share_code(event);
  if (type == "draw" && event.contains("box") && event["box"].is_string() && event["at"].is_number_integer()) {
    facts.box = program.tasks.box(event["box"].get<std::string>());
    if (!facts.box) return Errors{{"box.unknown", "not a box of this programme", "event.box"}};
    const Box& box = *facts.box;
    facts.window = date_from_day_number(local_day_number(event["at"].get<std::int64_t>(), program.utc_offset_minutes)).iso();
    const BoxSeed seed = tx.draw_seed(box.id, facts.window, fresh_seed_hex(), now);
    Json stock = Json::object();
    for (const Prize& p : box.prizes) {
      if (p.stock) stock[p.id] = std::max<std::int64_t>(0, *p.stock - tx.prizes_given(box.id, p.id));
    }
    const BudgetUsed used = tx.budget_used(box.id, facts.window);
    Json budget = Json::object();
    if (box.daily_budget.points > 0) budget["points"] = std::max<std::int64_t>(0, box.daily_budget.points - used.points);
    if (box.daily_budget.red_packet > 0) {
      budget["red_packet"] = std::max<std::int64_t>(0, box.daily_budget.red_packet - used.red_packet);
    }
    event["seed"] = seed.seed_hex;
    event["stock"] = stock;
    event["budget"] = budget;
    // What a member needs to verify the draw once the seed is revealed.
    facts.draw = {{"box", box.id}, {"window", facts.window}, {"commitment", seed.commitment}, {"stock", stock}, {"budget", budget}};
  }
  add_mall_stock(tx, program, state, type, event, facts);
  return true;
}

// A redemption of a stocked item is told what is left (read under the
// item's lock, held to the commit); a cancellation of one will give its
// units back to the day they were taken from.
void SyncService::add_mall_stock(MemberTransaction& tx, const Program& program, const MemberState& state,
                                 const std::string& type, Json& event, ServerFacts& facts) {
  const auto stocked = [](const MallItem* item) { return item && (item->stock || item->daily_stock); };
  const auto text = [&](const char* key) -> const std::string* {
    const Json* v = find(event, key);
    return v && v->is_string() ? &v->get_ref<const std::string&>() : nullptr;
  };
  const auto day_of = [&](TimeMs at) { return date_from_day_number(local_day_number(at, program.utc_offset_minutes)).iso(); };
  if (type == "mall_redeem" && text("item") && event["at"].is_number_integer()) {
    const MallItem* item = program.mall.item(*text("item"));
    const Json* quantity = find(event, "quantity");
    const std::int64_t units = quantity && quantity->is_number_integer() ? quantity->get<std::int64_t>() : 1;
    if (item && !item->goods.empty()) {
      facts.goods_item = item;
      facts.goods_quantity = units;
    }
    if (!stocked(item)) return;
    facts.mall_item = item;
    facts.mall_day = day_of(event["at"].get<std::int64_t>());
    facts.mall_units = units;
    const MallSold sold = tx.mall_sold(item->id, facts.mall_day);
    Json stock = Json::object();
    if (item->stock) stock["left"] = std::max<std::int64_t>(0, *item->stock - sold.total);
    if (item->daily_stock) stock["left_today"] = std::max<std::int64_t>(0, *item->daily_stock - sold.on_day);
    event["stock"] = stock;
  } else if (type == "mall_cancel" && text("redemption")) {
    for (const MallRedemption& r : state.tasks.mall) {
      if (r.id != *text("redemption") || r.cancelled_at) continue;
      facts.goods_cancelled = r.id;
      const MallItem* item = program.mall.item(r.item);
      if (stocked(item)) {
        facts.mall_item = item;
        facts.mall_day = day_of(r.at);
        facts.mall_units = -r.quantity;
      }
      break;
    }
  }
}

void SyncService::record_server_facts(MemberTransaction& tx, const ServerFacts& facts, const Applied& outcome,
                                      const std::string& event_id, std::int64_t now) {
  if (!facts.scan_code.empty() && !facts.code_claimed) tx.claim_scan_code(facts.scan_code, event_id, now);
  if (facts.mall_item && !outcome.duplicate) tx.sell_mall_units(facts.mall_item->id, facts.mall_day, facts.mall_units);
  if (facts.goods_item && !outcome.duplicate) {
    tx.add_fulfilment({0, "", event_id, facts.goods_item->id, facts.goods_item->goods, facts.goods_quantity, now, std::nullopt});
  }
  if (!facts.goods_cancelled.empty() && !outcome.duplicate) tx.cancel_fulfilment(facts.goods_cancelled, now);
  if (!facts.box) return;
  for (const Notice& n : outcome.notices) {
    if (n.kind != NoticeKind::box_opened) continue;
    for (const Prize& p : facts.box->prizes) {
      if (p.id == n.prize) tx.give_prize(facts.box->id, p.id, facts.window, {p.reward.points, p.reward.red_packet});
    }
  }
}

HttpAnswer SyncService::fulfilments_view(std::int64_t after, std::int64_t limit) {
  Json rows = Json::array();
  for (const Fulfilment& f : store_.fulfilments(after, limit)) {
    rows.push_back({{"seq", f.seq}, {"member_id", f.member_id}, {"redemption", f.redemption}, {"item", f.item},
                    {"goods", f.goods}, {"quantity", f.quantity}, {"at", f.at},
                    {"cancelled_at", f.cancelled_at ? Json(*f.cancelled_at) : Json()}});
  }
  const Json next = rows.empty() ? Json() : rows.back()["seq"];
  return {200, Json{{"fulfilments", rows}, {"next_after", next}}.dump()};
}

HttpAnswer SyncService::mall_stock(std::int64_t now) {
  const HeldVersion current = programs_.in_force(now);
  const Program& program = current->program();
  const std::string today = date_from_day_number(local_day_number(now, program.utc_offset_minutes)).iso();
  const std::map<std::string, MallSold> sold = store_.mall_sold_on(today);
  Json stock = Json::object();
  for (const MallItem& item : program.mall.items) {
    if (!item.stock && !item.daily_stock) continue;
    const auto it = sold.find(item.id);
    const MallSold s = it == sold.end() ? MallSold{} : it->second;
    Json left = Json::object();
    if (item.stock) left["left"] = std::max<std::int64_t>(0, *item.stock - s.total);
    if (item.daily_stock) left["left_today"] = std::max<std::int64_t>(0, *item.daily_stock - s.on_day);
    stock[item.id] = left;
  }
  return {200, Json{{"date", today}, {"stock", stock}}.dump()};
}

HttpAnswer SyncService::box_stock(std::int64_t now) {
  const HeldVersion current = programs_.in_force(now);
  const Program& program = current->program();
  const std::string today = date_from_day_number(local_day_number(now, program.utc_offset_minutes)).iso();
  const auto given = store_.prizes_given_all();
  const auto used = store_.budgets_used_on(today);
  Json boxes = Json::object();
  for (const Box& box : program.tasks.boxes) {
    Json prizes = Json::object();
    for (const Prize& prize : box.prizes) {
      const auto it = given.find({box.id, prize.id});
      const std::int64_t n = it == given.end() ? 0 : it->second;
      Json entry = {{"given", n}};
      if (prize.stock) entry["left"] = std::max<std::int64_t>(0, *prize.stock - n);
      prizes[prize.id] = entry;
    }
    const auto u = used.find(box.id);
    const BudgetUsed spent = u == used.end() ? BudgetUsed{} : u->second;
    Json budget = Json::object();
    // A budget of 0 has no limit: only what was spent is shown.
    const auto add = [&](const char* name, std::int64_t limit, std::int64_t spent_today) {
      Json b = {{"used_today", spent_today}};
      if (limit > 0) b["left_today"] = std::max<std::int64_t>(0, limit - spent_today);
      budget[name] = b;
    };
    add("points", box.daily_budget.points, spent.points);
    add("red_packet", box.daily_budget.red_packet, spent.red_packet);
    boxes[box.id] = {{"budget", budget}, {"prizes", prizes}};
  }
  return {200, Json{{"boxes", boxes}, {"date", today}}.dump()};
}

HttpAnswer SyncService::box_commitment(const std::string& box_id, std::int64_t now) {
  const HeldVersion current = programs_.in_force(now);
  const Program& program = current->program();
  const Box* box = program.tasks.box(box_id);
  if (!box) return error_answer(404, "box.unknown", "not a box of this programme", "box");
  const std::int64_t today = local_day_number(now, program.utc_offset_minutes);
  const std::string window = date_from_day_number(today).iso();
  const BoxSeed seed = store_.box_seed(box->id, window, fresh_seed_hex(), now);
  return {200, Json{{"box", box->id}, {"window", window}, {"commitment", seed.commitment},
                    {"reveals_at", start_of_local_day(today + 1, program.utc_offset_minutes)}}.dump()};
}

HttpAnswer SyncService::box_seed_reveal(const std::string& box_id, const std::string& window, std::int64_t now) {
  const HeldVersion current = programs_.in_force(now);
  const Program& program = current->program();
  const Box* box = program.tasks.box(box_id);
  if (!box) return error_answer(404, "box.unknown", "not a box of this programme", "box");
  const auto date = parse_iso_date(window);
  if (!date) return error_answer(400, "value.invalid_date", "must be a date YYYY-MM-DD", "window");
  if (day_number_from_date(*date) >= local_day_number(now, program.utc_offset_minutes)) {
    return error_answer(403, "box.not_revealed", "a window's seed is revealed once the window is over", "window");
  }
  const BoxSeed seed = store_.box_seed(box->id, window, fresh_seed_hex(), now);
  return {200, Json{{"box", box->id}, {"window", window}, {"commitment", seed.commitment}, {"seed", seed.seed_hex}}.dump()};
}

HttpAnswer SyncService::join(std::string_view body, std::int64_t now) {
  Json request;
  if (auto refused = parse_object(body, request)) return *refused;
  Errors errors = unknown_fields(request, {"member_id", "birthday", "inviter", "share_code"});
  if (auto bad = check_member_id(find(request, "member_id"), "member_id")) errors.push_back(*bad);
  const Json* inviter = find(request, "inviter");
  if (inviter) {
    if (auto bad = check_member_id(inviter, "inviter")) errors.push_back(*bad);
  }
  std::optional<ShareCode> share;
  if (const Json* code = find(request, "share_code")) {
    share = code->is_string() ? share_codes_.verify(code->get<std::string>()) : std::nullopt;
    if (!share) errors.push_back({"spokesperson.invalid_code", "is not a share code this server made", "share_code"});
  }
  if (!errors.empty()) return errors_answer(400, errors);
  const std::string member_id = request["member_id"].get<std::string>();
  if (share && share->member_id == member_id) {
    return error_answer(400, "spokesperson.self", "a member's own share does not count for them", "share_code");
  }
  const std::string inviter_id = inviter ? inviter->get<std::string>() : "";
  if (inviter_id == member_id) return error_answer(400, "referral.self", "a member cannot invite itself", "inviter");
  if (!inviter_id.empty() && !store_.read_member(inviter_id)) {
    return error_answer(400, "referral.unknown_inviter", "no member " + inviter_id + " has joined", "inviter");
  }

  Json state = {{"member_id", member_id}, {"joined_at", now}};
  if (const Json* birthday = find(request, "birthday")) state["birthday"] = *birthday;
  const HeldVersion current = programs_.in_force(now);
  const Program& program = current->program();
  auto parsed = member_state_from_json(program, state, "");
  if (!parsed.ok()) return errors_answer(400, parsed.errors());

  HttpAnswer answer;
  const std::string body_sha256 = to_hex(sha256(request.dump()));
  store_.with_member(member_id, [&](MemberTransaction& tx) {
    if (auto first = tx.answer(kJoinKey)) {
      answer = first->body_sha256 == body_sha256
                   ? HttpAnswer{200, first->answer}
                   : error_answer(409, "member.exists", member_id + " has joined already", "member_id");
      return;
    }
    if (tx.member()) {
      answer = error_answer(409, "member.exists", member_id + " has joined already", "member_id");
      return;
    }
    const std::string state_text = state_json(program, parsed.value());
    answer = {201, "{\"member_id\":" + quoted(member_id) + ",\"state\":" + state_text + ",\"version\":0}"};
    tx.save_member({member_id, stored_form(program, parsed.value()), 0, inviter_id, current->version()}, now);
    tx.put_answer(kJoinKey, {body_sha256, answer.body}, now);
    // Both sides of a referral, each applied in its own member's transaction
    // from the outbox, written with the join: a crash delays them, never loses them.
    if (!inviter_id.empty() && program.tasks.referral) {
      tx.send_later(member_id, Json{{"id", "join:referred"}, {"type", "referred"}, {"inviter", inviter_id}}.dump(), now);
      tx.send_later(inviter_id, referral_event(member_id, "joined").dump(), now);
    }
    if (share) tx.send_later(member_id, joined_through_share(*share).dump(), now);
  });
  if (answer.status < 300) deliver_outbox(now);  // a retried join also finishes what a crash cut short
  return answer;
}

void SyncService::ensure_member(const std::string& member_id, std::int64_t now, const std::string& share_code) {
  const auto share = share_code.empty() ? std::nullopt : share_codes_.verify(share_code);
  bool joined = false;
  store_.with_member(member_id, [&](MemberTransaction& tx) {
    joined = false;
    if (tx.member()) return;
    MemberState state;
    state.member_id = member_id;
    state.joined_at = now;
    const HeldVersion current = programs_.in_force(now);
    tx.save_member({member_id, stored_form(current->program(), state), 0, "", current->version()}, now);
    // The core refuses a member's own code, as it refuses every other bad visit.
    if (share) tx.send_later(member_id, joined_through_share(*share).dump(), now);
    joined = true;
  });
  if (joined && share) deliver_outbox(now);
}

HttpAnswer SyncService::share_code(const std::string& member_id, const std::string& campaign_id, std::int64_t now) {
  if (campaign_id.empty()) return error_answer(400, "field.missing", "name the campaign: ?campaign=", "campaign");
  auto row = store_.read_member(member_id);
  if (!row) return error_answer(404, "member.unknown", "no member " + member_id + " has joined", "member_id");
  HeldVersion under;  // the version in force now, unless another server's clock ran ahead
  const MemberState state = read_member_state(*row, now, under);
  const SpokespersonCampaign* campaign = under->program().tasks.campaign(campaign_id);
  if (!campaign) {
    return error_answer(404, "spokesperson.unknown_campaign", "not a spokesperson campaign of this programme", "campaign");
  }
  if (auto refusal = spokesperson_refusal(under->program(), state, *campaign, now)) {
    return error_answer(refusal->code == "spokesperson.not_running" ? 409 : 403, refusal->code, refusal->message,
                        "campaign");
  }
  return {200, Json{{"campaign", campaign->id}, {"code", share_codes_.issue(campaign->id, member_id)},
                    {"member_id", member_id}}.dump()};
}

HttpAnswer SyncService::member_view(const std::string& member_id, std::int64_t now, const std::string& state_form) {
  AnswerState form = AnswerState::json;
  if (!state_form.empty() && !answer_state_named(state_form, form)) {
    return error_answer(400, "value.unknown_choice", kStateChoices, "state");
  }
  auto row = store_.read_member(member_id);
  if (!row) return error_answer(404, "member.unknown", "no member " + member_id + " has joined", "member_id");
  HeldVersion under;
  const MemberState state = read_member_state(*row, now, under);
  std::string body = "{\"balances\":" + balances_at(under->program(), state, now) +
                     ",\"member_id\":" + quoted(member_id);
  append_program_version(body, programs_.in_force(now)->version());
  body += ",\"server_time\":" + std::to_string(now);
  append_state_answer(body, under->program(), state, form, "", "");
  body += ",\"version\":" + std::to_string(row->version) + "}";
  return {200, std::move(body)};
}

HttpAnswer SyncService::liability_view(std::int64_t now) {
  const HeldVersion current = programs_.in_force(now);
  return {200, liability_report(current->program(), store_, now).dump()};
}

namespace {

// ?from=&to= local dates (today by default) as day numbers, or why not.
std::optional<HttpAnswer> report_days(const Program& program, const std::string& from, const std::string& to,
                                      std::int64_t now, std::int64_t (&days)[2]) {
  const std::int64_t today = local_day_number(now, program.utc_offset_minutes);
  days[0] = days[1] = today;
  const std::pair<const char*, const std::string*> given[] = {{"from", &from}, {"to", &to}};
  for (int i = 0; i < 2; ++i) {
    if (given[i].second->empty()) continue;
    const auto date = parse_iso_date(*given[i].second);
    if (!date) return error_answer(400, "value.invalid_date", "must be a date YYYY-MM-DD", given[i].first);
    days[i] = day_number_from_date(*date);
  }
  if (days[1] < days[0] || days[1] - days[0] >= 366) {
    return error_answer(400, "value.out_of_range", "from <= to, at most 366 days", "to");
  }
  return std::nullopt;
}

}  // namespace

HttpAnswer SyncService::variants_view(const std::string& from, const std::string& to, std::int64_t now) {
  const HeldVersion current = programs_.in_force(now);
  const Program& program = current->program();
  if (!program.experiment) {
    return error_answer(409, "experiment.none", "the programme in force runs no experiment", "");
  }
  std::int64_t days[2];
  if (auto refused = report_days(program, from, to, now, days)) return *refused;
  return {200, variant_report(program, store_, days[0], days[1]).dump()};
}

HttpAnswer SyncService::activity_view(const std::string& from, const std::string& to, std::int64_t now) {
  const HeldVersion current = programs_.in_force(now);
  std::int64_t days[2];
  if (auto refused = report_days(current->program(), from, to, now, days)) return *refused;
  return {200, activity_report(current->program(), store_, days[0], days[1]).dump()};
}

MemberState SyncService::read_member_state(const MemberRow& row, TimeMs at, HeldVersion& under) {
  under = programs_.version(row.program_version);
  if (!under) {
    throw std::runtime_error(row.member_id + "'s state names programme version " + std::to_string(row.program_version) +
                             ", which is not published");
  }
  MemberState state = stored_state(under->program(), row);
  if (const HeldVersion due = programs_.in_force(at); due->version() > under->version()) {
    state = migrated(under->program(), due->program(), state);
    under = due;
  }
  return state;
}

HttpAnswer SyncService::ledger_view(const std::string& member_id, std::int64_t after, std::int64_t limit) {
  if (!store_.read_member(member_id)) {
    return error_answer(404, "member.unknown", "no member " + member_id + " has joined", "member_id");
  }
  const auto rows = store_.ledger(member_id, after, limit);
  const std::string next = rows.empty() ? "null" : std::to_string(rows.back().seq);
  return {200, "{\"ledger\":" + json_array(rows, 0) + ",\"next_after\":" + next + "}"};
}

}  // namespace loyalty::server
