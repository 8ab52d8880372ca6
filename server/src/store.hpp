// Where the server keeps members, their ledgers and the answers it gave.
// One interface, so that the embedded SQLite store and a shared database
// behind several servers are used the same way by the sync service.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace loyalty::server {

// Storage is unavailable or refused a write; the request fails with 503 and
// nothing of it is kept (the transaction rolls back).
class StoreError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// A stamp a transaction assumed (MemberTransaction::member_stamp) was not
// the member's when its writes reached the store: the transaction is
// rolled back, and the caller runs it again reading the stamp.
class StaleStamp : public StoreError {
 public:
  StaleStamp(const std::string& what, std::string member_id) : StoreError(what), member_id_(std::move(member_id)) {}
  // The member whose stamp it was ("" when the store cannot tell).
  const std::string& member_id() const { return member_id_; }

 private:
  std::string member_id_;
};

struct MemberRow {
  std::string member_id;
  std::string state;  // stored_form() of the member's state (stored_state.hpp)
  std::int64_t version = 0;
  std::string inviter;     // who invited the member at join, "" if nobody
  // The programme version the state was written under (0: the first one
  // published, for rows written before versions were kept).
  std::int64_t program_version = 0;
};

// A member's row and its logged events as views into a reader's memory,
// good only while the visit that is given them runs: an export reads the
// whole store and copies none of it.
struct MemberHistory {
  std::string_view member_id;
  std::string_view state;  // stored_form() of the member's state
  std::int64_t version = 0;
  std::string_view inviter;
  std::int64_t program_version = 0;
  std::vector<std::string_view> batches;  // one request's events each, a JSON array, oldest first
};

// Every member's history from one consistent snapshot, on several readers
// at once: each reader is used by one thread at a time, any thread.
class HistoryScan {
 public:
  virtual ~HistoryScan() = default;
  virtual int readers() const = 0;
  // The id of every `every`-th member in order, the first member's first:
  // the runs of members that read() is given.
  virtual std::vector<std::string> member_marks(std::int64_t every) = 0;
  // The members with `from` <= id < `to` ("": to the last), in order.
  virtual void read(int reader, const std::string& from, const std::string& to,
                    const std::function<void(const MemberHistory&)>& visit) = 0;
};

// A published version of the programme: applied to events from
// `effective_at` until the next version takes effect.
struct ProgramRow {
  std::int64_t version = 0;
  std::int64_t effective_at = 0;
  std::string program;  // its JSON, as the core writes it back
  std::int64_t published_at = 0;
};

// The first answer to an event id, kept so that a retry gets the same bytes.
struct StoredAnswer {
  std::string body_sha256;  // of the event as sent: the same id with another body is refused
  std::string answer;
};

// One ledger row: the columns audit sums, and the row as the core wrote it.
struct LedgerRow {
  std::int64_t seq = 0;  // assigned by the store, ascending
  std::string event_id;
  std::int64_t at = 0;
  std::string kind;
  std::int64_t available = 0;
  std::int64_t pending = 0;
  std::int64_t debt = 0;
  std::string entry_json;
};

struct LedgerSums {
  std::int64_t rows = 0;
  std::int64_t available = 0;
  std::int64_t pending = 0;
  std::int64_t debt = 0;
};

// A box's seed for one draw window (a local date): made at the window's
// first draw or commitment request, its SHA-256 published until the window
// is over, then revealed.
struct BoxSeed {
  std::string seed_hex;
  std::string commitment;
};

// An event for another member, written in the transaction that caused it and
// applied after it commits (a referral reward for the inviter). Kept until
// applied, so a crash between the two delays it and never loses it.
struct OutboxItem {
  std::int64_t seq = 0;
  std::string member_id;   // whom the event is for
  std::string event_json;  // with an id of its own: applying it twice applies it once
};

// Physical goods a mall redemption asks the merchant to ship: its seq is the
// fulfilment's id, in the order redemptions committed.
struct Fulfilment {
  std::int64_t seq = 0;
  std::string member_id;
  std::string redemption;  // the redeeming event's id
  std::string item;
  std::string goods;
  std::int64_t quantity = 1;
  std::int64_t at = 0;
  std::optional<std::int64_t> cancelled_at;
};

// Units of a mall item sold (less those cancelled): in all, and on one local day.
struct MallSold {
  std::int64_t total = 0;
  std::int64_t on_day = 0;
};

struct BudgetUsed {
  std::int64_t points = 0;
  std::int64_t red_packet = 0;
};

struct MemberStamp {
  std::int64_t version = 0;
  std::int64_t token_epoch = 0;
  // With a rate take: 0 when its token was taken, else the seconds to wait.
  std::int64_t rate_wait_seconds = 0;
};

// A token to take from the member's rate-limit bucket (`per_minute` a
// minute, bursts up to the same) at `now_ms`.
struct RateTake {
  std::int64_t per_minute = 0;
  std::int64_t now_ms = 0;

  double per_ms() const { return static_cast<double>(per_minute) / 60000.0; }
  // When a bucket holds `tokens` (fewer than one): the whole seconds until
  // it holds one, at least 1 (what Retry-After says).
  std::int64_t seconds_until_a_token(double tokens) const {
    return std::max<std::int64_t>(1, static_cast<std::int64_t>(std::ceil((1.0 - tokens) / per_ms() / 1000.0)));
  }
};

// The rate-limit buckets a store that shares them keeps: one per address
// (taken before a request is authenticated) and one per member.
enum class RateBucket { address, member };

// An operator of the console (operators.hpp): a name, an Argon2id hash of
// the password, a role, and the failures counted toward a lock-out.
struct OperatorRow {
  std::string name;
  std::string password_hash;
  std::string role;
  std::int64_t failures = 0;      // failed sign-ins since the last good one
  std::int64_t locked_until = 0;  // ms; no sign-in before then
  std::int64_t created_at = 0;
};

// A signed-in operator: the session cookie's SHA-256 (the cookie itself is
// never stored) and the token every change must carry against CSRF.
struct OperatorSessionRow {
  std::string token_sha256;
  std::string name;
  std::string csrf_token;
  std::int64_t expires_at = 0;
};

// One operator action: who, when, what, on what, and what it was before and
// after (JSON texts, "null" when the action has no such side).
struct OperatorAuditRow {
  std::int64_t seq = 0;  // assigned by the store, ascending
  std::int64_t at = 0;
  std::string operator_name;
  std::string action;
  std::string target;
  std::string before = "null";
  std::string after = "null";
};

// A programme draft the console's editors keep on the server, by name: the
// published version it was drafted from, its JSON (as the editor left it,
// valid or not), who saved it last and when, and its revision (1 at the
// first save, one more at each), so that one editor's save never silently
// replaces another's.
struct DraftRow {
  std::string name;
  std::int64_t base_version = 0;
  std::string program;  // "" in a listing
  std::string saved_by;
  std::int64_t saved_at = 0;
  std::int64_t revision = 0;
};

// What one member's transaction can read and write. The member is held for
// the whole transaction: no other transaction of the same member runs.
class MemberTransaction {
 public:
  virtual ~MemberTransaction() = default;
  virtual std::optional<MemberRow> member() = 0;
  // The member's stored version and token epoch, without reading its state
  // (the version tells whether a held copy is current; the epoch is checked
  // here, so that a revoked token costs a sync no query of its own), and
  // the answers already given under any of `answer_keys` (events sent
  // again), put in `answered`: on PostgreSQL, one query for both. With
  // `member_rate` (only where the store shares_rate_limits()), a token is
  // taken from the member's bucket in the same query, and kept only if the
  // transaction commits.
  // With `assumed` (the version of a state held in memory, and the token's
  // epoch or -1 for any), a store whose reads are round trips may answer it
  // without asking: it then checks, with the transaction's writes and under
  // the member's lock, that the member is at that version and epoch, that no
  // answer is stored under `answer_keys` and that the token was taken, and
  // throws StaleStamp at the commit (or at the next read) when not.
  virtual std::optional<MemberStamp> member_stamp(const std::vector<std::string>& answer_keys,
                                                  std::map<std::string, StoredAnswer>& answered,
                                                  const RateTake* member_rate, const MemberStamp* assumed) = 0;
  virtual std::optional<StoredAnswer> answer(const std::string& event_id) = 0;
  virtual void put_answer(const std::string& event_id, const StoredAnswer& answer, std::int64_t now) = 0;
  virtual void append_ledger(const std::vector<LedgerRow>& rows) = 0;
  // The events applied, each as the core applied it (server fields filled
  // in), in order: the member's history, for `loyalty export`. A request's
  // events are one row (a JSON array), so a batch costs one insert.
  virtual void append_events(const std::vector<std::string>& events) = 0;
  virtual void save_member(const MemberRow& row, std::int64_t now) = 0;  // insert or update

  // What all members share, read and written in the same transaction as the
  // member's events: one-time scan codes, box seeds, prizes given.
  virtual std::optional<std::string> scan_code_owner(const std::string& code) = 0;
  virtual void claim_scan_code(const std::string& code, const std::string& event_id, std::int64_t now) = 0;
  virtual BoxSeed draw_seed(const std::string& box, const std::string& window, const std::string& fresh_seed_hex,
                            std::int64_t now) = 0;
  virtual std::int64_t prizes_given(const std::string& box, const std::string& prize) = 0;
  virtual BudgetUsed budget_used(const std::string& box, const std::string& day) = 0;
  virtual void give_prize(const std::string& box, const std::string& prize, const std::string& day,
                          const BudgetUsed& cost) = 0;
  // A mall item's stock: read under a lock held to the commit, so that two
  // members never both take the last unit; `units` below 0 gives stock back.
  virtual MallSold mall_sold(const std::string& item, const std::string& day) = 0;
  virtual void sell_mall_units(const std::string& item, const std::string& day, std::int64_t units) = 0;
  // Goods to ship, kept with the redemption; a cancellation marks them.
  virtual void add_fulfilment(const Fulfilment& f) = 0;
  virtual void cancel_fulfilment(const std::string& redemption, std::int64_t at) = 0;
  virtual void send_later(const std::string& member_id, const std::string& event_json, std::int64_t now) = 0;
};

class Store {
 public:
  virtual ~Store() = default;
  // Runs `work` in one transaction holding `member_id`: committed (durably)
  // when `work` returns, rolled back when it throws. Throws StoreError.
  // `work` may be run more than once, each run after the last was rolled
  // back (a store that commits several members together runs them again
  // when their group fails), so it starts each run from nothing.
  virtual void with_member(const std::string& member_id,
                           const std::function<void(MemberTransaction&)>& work) = 0;
  // How with_member's transactions were committed together, since start.
  struct GroupCounts {
    std::uint64_t groups = 0;        // groups run
    std::uint64_t transactions = 0;  // members' transactions in them
    // Groups of several rolled back because a member's part failed: the
    // rest then ran again without it (a stale stamp) or each alone.
    std::uint64_t rolled_back = 0;
    std::uint64_t run_alone = 0;  // transactions run again alone
    // Wall time spent running groups (their work and commit; on SQLite not
    // the WAL's sync that follows): growing nearly as fast as the clock
    // times the groups run at once, the store's writer limits the server.
    double busy_ms = 0;
  };
  virtual GroupCounts group_counts() const = 0;
  virtual std::optional<MemberRow> read_member(const std::string& member_id) = 0;
  // Up to `limit` rows after `after_seq`, oldest first.
  virtual std::vector<LedgerRow> ledger(const std::string& member_id, std::int64_t after_seq,
                                        std::int64_t limit) = 0;
  // Every member with the sums of its ledger, for `loyalty audit`.
  virtual void for_each_member(const std::function<void(const MemberRow&, const LedgerSums&)>& visit) = 0;
  // How many members have joined (for the audit's progress).
  virtual std::int64_t member_count() = 0;
  // Every member with its logged events, oldest first, member by member, from
  // one consistent snapshot that holds up no writer (`loyalty export`): each
  // element of `batches` is one request's events, a JSON array.
  virtual void for_each_member_history(
      const std::function<void(const MemberRow&, const std::vector<std::string>& batches)>& visit) = 0;
  // The same history with `readers` readers on one snapshot (`loyalty
  // export`); nullptr when the store reads it on one connection only.
  virtual std::unique_ptr<HistoryScan> history_scan(int readers);
  // Every ledger row at [from_ms, to_ms), member by member (in order of
  // member id, then of seq), from one consistent snapshot: the live reports.
  virtual void for_each_ledger_row(std::int64_t from_ms, std::int64_t to_ms,
                                   const std::function<void(const std::string& member_id, const LedgerRow&)>& visit) = 0;
  // The seed of a box's window, made from `fresh_seed_hex` if it has none yet.
  virtual BoxSeed box_seed(const std::string& box, const std::string& window, const std::string& fresh_seed_hex,
                           std::int64_t now) = 0;
  // Events waiting for their member, oldest first; done() once applied.
  // Every box's prizes given, by box and prize, and its budget used on `day`
  // (GET /v1/boxes/stock).
  virtual std::map<std::pair<std::string, std::string>, std::int64_t> prizes_given_all() = 0;
  virtual std::map<std::string, BudgetUsed> budgets_used_on(const std::string& day) = 0;
  // Every stocked mall item's units sold, in all and on `day` (GET /v1/mall).
  virtual std::map<std::string, MallSold> mall_sold_on(const std::string& day) = 0;
  // The goods to ship after `after_seq`, in order (GET /v1/mall/fulfilments).
  virtual std::vector<Fulfilment> fulfilments(std::int64_t after_seq, std::int64_t limit) = 0;
  virtual std::vector<OutboxItem> outbox(std::int64_t limit) = 0;
  virtual void outbox_done(std::int64_t seq) = 0;
  // The member's token epoch (0 until its tokens are first revoked), or
  // nullopt for no such member. A member token is good only at its epoch.
  virtual std::optional<std::int64_t> token_epoch(const std::string& member_id) = 0;
  // Revokes every token issued to the member so far (its epoch goes up by
  // one, on every server at once); the new epoch, or nullopt for no such member.
  virtual std::optional<std::int64_t> revoke_tokens(const std::string& member_id) = 0;
  // Whether rate limits are kept here, shared by every server on the store
  // (PostgreSQL), rather than by each server process (SQLite: one server).
  virtual bool shares_rate_limits() const { return false; }
  // One request from the bucket of `key` (an address or a member id): 0
  // when allowed (and counted), else the seconds to wait. Only if
  // shares_rate_limits().
  virtual std::int64_t take_rate(RateBucket bucket, const std::string& key, const RateTake& take);
  // The programme's published versions after `after_version`, oldest first.
  virtual std::vector<ProgramRow> programs(std::int64_t after_version) = 0;
  // Publishes a version, durably; false if that version is published already.
  virtual bool publish_program(const ProgramRow& row) = 0;
  virtual std::string describe() const = 0;  // for logs: "sqlite:/path (WAL)"

  // The console's operators (operators.hpp). Not member-keyed: on a
  // distributed PostgreSQL these tables stay on the coordinator.
  virtual std::optional<OperatorRow> find_operator(const std::string& name) = 0;
  virtual std::vector<OperatorRow> operators() = 0;
  // Inserts or replaces the operator's password hash and role, and unlocks it.
  virtual void save_operator(const OperatorRow& row) = 0;
  // A failed sign-in: one more failure; at `lock_after` failures the
  // operator is locked until `locked_until` and counting starts again. One
  // statement, so that failures sent at once to several servers all count.
  virtual void count_operator_failure(const std::string& name, std::int64_t lock_after, std::int64_t locked_until) = 0;
  virtual void clear_operator_failures(const std::string& name) = 0;
  // Sessions: opened at sign-in (expired ones are dropped then), looked up
  // by the cookie's hash, ended at sign-out.
  virtual void open_operator_session(const OperatorSessionRow& row, std::int64_t now) = 0;
  virtual std::optional<OperatorSessionRow> operator_session(const std::string& token_sha256) = 0;
  virtual void end_operator_session(const std::string& token_sha256) = 0;
  // The audit log of operator actions: appended durably, read in pages.
  virtual void append_operator_audit(const OperatorAuditRow& row) = 0;
  virtual std::vector<OperatorAuditRow> operator_audit(std::int64_t after_seq, std::int64_t limit) = 0;
  // Members' phones, as keyed digests with their last four digits
  // (member_phones.hpp): one a member, and a phone is one member's. Looked
  // up by the phone's digest (not member-keyed: on a distributed PostgreSQL
  // the table is distributed by digest, and the lookup gives the member id
  // the member's own calls need).
  virtual std::optional<std::string> member_by_phone(const std::string& digest) = 0;
  // The member's phone's last four digits, if it has a phone.
  virtual std::optional<std::string> member_phone_ending(const std::string& member_id) = 0;
  // Sets the member's phone, replacing the one it had; false, changing
  // nothing, when the phone is another member's.
  virtual bool set_member_phone(const std::string& member_id, const std::string& digest, const std::string& ending) = 0;
  virtual void clear_member_phone(const std::string& member_id) = 0;
  // Programme drafts (DraftRow), listed by name without their programmes.
  virtual std::vector<DraftRow> drafts() = 0;
  virtual std::optional<DraftRow> draft(const std::string& name) = 0;
  // Saves `row` as revision `expected_revision` + 1 when the stored draft is
  // at `expected_revision` (0: no draft of that name yet); false when another
  // save came first, and nothing changed.
  virtual bool save_draft(const DraftRow& row, std::int64_t expected_revision) = 0;
  // False when there was no such draft.
  virtual bool delete_draft(const std::string& name) = 0;
};

// JSON texts as one JSON array's text: "[a,b]".
std::string json_list(const std::vector<std::string>& items);

// "sqlite:PATH" (created if absent) or "postgres://…" / "postgresql://…" (a
// libpq URL); either way the schema is brought up to date. Throws StoreError
// with a message for people when it cannot open.
std::unique_ptr<Store> open_store(const std::string& url);
std::unique_ptr<Store> open_sqlite_store(const std::string& path);
std::unique_ptr<Store> open_postgres_store(const std::string& url);

}  // namespace loyalty::server
