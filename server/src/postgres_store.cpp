// The shared store: PostgreSQL through libpq, for several stateless servers on
// one database. Each member's transaction first takes a transaction-scoped
// advisory lock on the member id, so one member's batches run one at a time
// across every server; a lock rather than SELECT ... FOR UPDATE because a
// joining member has no row yet to lock. What members share (a scan code, a
// box's stock and budget) is locked the same way before it is read. Commits
// are synchronous (the server's default), so an acknowledged event is on disk.
#include <libpq-fe.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <condition_variable>
#include <cstdio>
#include <functional>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <mutex>

#include "loyalty/draw.hpp"
#include "loyalty/sha256.hpp"
#include "member_groups.hpp"
#include "store.hpp"

namespace loyalty::server {

namespace {

constexpr int kSchemaVersion = 15;
constexpr std::size_t kConnections = 8;
constexpr std::size_t kRateConnections = 2;
// Members' groups run at once (PostgresStore::with_member): while one waits
// for PostgreSQL, the next is applied.
constexpr std::size_t kGroupsInFlight = 2;

// The same tables as the SQLite store; the ledger's seq is an identity, and
// triggers keep the ledger append-only. Every statement can run again.
constexpr const char* kSchema = R"sql(
CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS members (
  member_id TEXT PRIMARY KEY,
  state TEXT NOT NULL,
  version BIGINT NOT NULL,
  inviter TEXT NOT NULL DEFAULT '',
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
-- Version 4: the state as the core's binary snapshot (rows from before keep
-- their JSON in state, read still, until the member next changes); token
-- epochs, and rate limits shared by every server.
ALTER TABLE members ADD COLUMN IF NOT EXISTS snapshot BYTEA;
ALTER TABLE members ADD COLUMN IF NOT EXISTS token_epoch BIGINT NOT NULL DEFAULT 0;
-- Version 7: the programme's published versions, and with each member the
-- version its state was written under.
ALTER TABLE members ADD COLUMN IF NOT EXISTS program_version BIGINT NOT NULL DEFAULT 0;
-- Version 8: snapshots of 1 KiB or more LZ4-compressed in members.snapshot
-- (stored_state.hpp); an older binary refuses the database rather than
-- failing on such a row. PostgreSQL's own compression of them is turned off.
ALTER TABLE members ALTER COLUMN snapshot SET STORAGE EXTERNAL;
-- Version 13: a member's row kept whole up to 8 KB, in pages half filled.
-- Past the default 2 KB (a year of history: a 3.4 KB snapshot) the snapshot
-- went to the TOAST table, so that each update wrote the row, two chunks and
-- their index entries. Whole, with room on its page for its next version,
-- an update is a heap-only tuple: one write, no index entry, the old version
-- pruned in place. Rows move back as members change.
ALTER TABLE members SET (toast_tuple_target = 8160, fillfactor = 50);
-- Version 14: a large state's held orders compressed apart in the snapshot
-- (stored_state.hpp), which an older binary would not read.
-- Version 15: lots written by difference (state snapshot version 7),
-- which an older binary would not read either.
CREATE TABLE IF NOT EXISTS programs (
  version BIGINT PRIMARY KEY,
  effective_at BIGINT NOT NULL,
  program TEXT NOT NULL,
  published_at BIGINT NOT NULL
);
-- Token buckets every server shares: `tokens` left at `updated_ms`.
-- Unlogged (version 12): a take is then no write to the WAL and its commit
-- waits for no flush. Logged, every request waited for two fsyncs under the
-- bucket's row lock, and the requests of one address queued behind each
-- other's (bench/RESULTS.md, 2026-12-04). What a crash or a fail-over loses
-- is only how full the buckets were: they start full again.
CREATE UNLOGGED TABLE IF NOT EXISTS rate_buckets (
  key TEXT PRIMARY KEY,
  tokens DOUBLE PRECISION NOT NULL,
  updated_ms BIGINT NOT NULL,
  taken BOOLEAN NOT NULL
);
ALTER TABLE rate_buckets SET UNLOGGED;
-- Each member's bucket (version 12), beside the member's rows: a sync takes
-- its token in the member's own transaction. Logged, as the member's rows
-- are (a standby has them; Citus moves them with the member's shard); a
-- take outside a member's transaction commits without waiting for the flush.
CREATE TABLE IF NOT EXISTS member_rate_buckets (
  member_id TEXT PRIMARY KEY,
  tokens DOUBLE PRECISION NOT NULL,
  updated_ms BIGINT NOT NULL,
  taken BOOLEAN NOT NULL
);
CREATE TABLE IF NOT EXISTS ledger (
  seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  member_id TEXT NOT NULL,
  event_id TEXT NOT NULL,
  at BIGINT NOT NULL,
  kind TEXT NOT NULL,
  available BIGINT NOT NULL,
  pending BIGINT NOT NULL,
  debt BIGINT NOT NULL,
  entry TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS ledger_by_member ON ledger (member_id, seq);
CREATE OR REPLACE FUNCTION ledger_append_only() RETURNS trigger AS $$
  BEGIN RAISE EXCEPTION 'the ledger is append-only'; END $$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS ledger_no_change ON ledger;
CREATE TRIGGER ledger_no_change BEFORE UPDATE OR DELETE ON ledger
  FOR EACH ROW EXECUTE FUNCTION ledger_append_only();
CREATE TABLE IF NOT EXISTS answers (
  member_id TEXT NOT NULL,
  event_id TEXT NOT NULL,
  body_sha256 TEXT NOT NULL,
  answer TEXT NOT NULL,
  received_at BIGINT NOT NULL,
  PRIMARY KEY (member_id, event_id)
);
CREATE TABLE IF NOT EXISTS scan_codes (
  code TEXT PRIMARY KEY,
  member_id TEXT NOT NULL,
  event_id TEXT NOT NULL,
  at BIGINT NOT NULL
);
CREATE TABLE IF NOT EXISTS box_seeds (
  box TEXT NOT NULL,
  draw_window TEXT NOT NULL,
  seed TEXT NOT NULL,
  commitment TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  PRIMARY KEY (box, draw_window)
);
CREATE TABLE IF NOT EXISTS prizes_given (
  box TEXT NOT NULL,
  prize TEXT NOT NULL,
  given BIGINT NOT NULL,
  PRIMARY KEY (box, prize)
);
CREATE TABLE IF NOT EXISTS box_budget (
  box TEXT NOT NULL,
  day TEXT NOT NULL,
  points BIGINT NOT NULL,
  red_packet BIGINT NOT NULL,
  PRIMARY KEY (box, day)
);
-- Version 6: the points mall's units sold, per item and local day, and the goods to ship.
CREATE TABLE IF NOT EXISTS mall_sold (
  item TEXT NOT NULL,
  day TEXT NOT NULL,
  units BIGINT NOT NULL,
  PRIMARY KEY (item, day)
);
CREATE TABLE IF NOT EXISTS mall_fulfilments (
  seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  member_id TEXT NOT NULL,
  redemption TEXT NOT NULL,
  item TEXT NOT NULL,
  goods TEXT NOT NULL,
  quantity BIGINT NOT NULL,
  at BIGINT NOT NULL,
  cancelled_at BIGINT,
  UNIQUE (member_id, redemption)
);
CREATE TABLE IF NOT EXISTS outbox (
  seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  member_id TEXT NOT NULL,
  event TEXT NOT NULL,
  created_at BIGINT NOT NULL
);
-- Version 5: the log of events applied, append-only like the ledger (loyalty export).
CREATE TABLE IF NOT EXISTS events (
  seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  member_id TEXT NOT NULL,
  events TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS events_by_member ON events (member_id, seq);
CREATE OR REPLACE FUNCTION events_append_only() RETURNS trigger AS $$
  BEGIN RAISE EXCEPTION 'the event log is append-only'; END $$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS events_no_change ON events;
CREATE TRIGGER events_no_change BEFORE UPDATE OR DELETE ON events
  FOR EACH ROW EXECUTE FUNCTION events_append_only();
-- Version 9: the console's operators, their sessions and the audit log of
-- their actions (append-only, like the ledger).
CREATE TABLE IF NOT EXISTS operators (
  name TEXT PRIMARY KEY,
  password_hash TEXT NOT NULL,
  role TEXT NOT NULL,
  failures BIGINT NOT NULL DEFAULT 0,
  locked_until BIGINT NOT NULL DEFAULT 0,
  created_at BIGINT NOT NULL
);
CREATE TABLE IF NOT EXISTS operator_sessions (
  token_sha256 TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  csrf_token TEXT NOT NULL,
  expires_at BIGINT NOT NULL
);
CREATE TABLE IF NOT EXISTS operator_audit (
  seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  at BIGINT NOT NULL,
  operator TEXT NOT NULL,
  action TEXT NOT NULL,
  target TEXT NOT NULL,
  before TEXT NOT NULL,
  after TEXT NOT NULL
);
CREATE OR REPLACE FUNCTION operator_audit_append_only() RETURNS trigger AS $$
  BEGIN RAISE EXCEPTION 'the audit log is append-only'; END $$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS operator_audit_no_change ON operator_audit;
CREATE TRIGGER operator_audit_no_change BEFORE UPDATE OR DELETE ON operator_audit
  FOR EACH ROW EXECUTE FUNCTION operator_audit_append_only();
CREATE TABLE IF NOT EXISTS member_phones (
  digest TEXT PRIMARY KEY,
  member_id TEXT NOT NULL,
  ending TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS member_phones_by_member ON member_phones (member_id);
CREATE TABLE IF NOT EXISTS program_drafts (
  name TEXT PRIMARY KEY,
  base_version BIGINT NOT NULL,
  program TEXT NOT NULL,
  saved_by TEXT NOT NULL,
  saved_at BIGINT NOT NULL,
  revision BIGINT NOT NULL
);
)sql";

// One statement's result, freed when it goes.
class Result {
 public:
  explicit Result(PGresult* r) : r_(r) {}
  ~Result() { PQclear(r_); }
  Result(const Result&) = delete;
  Result& operator=(const Result&) = delete;
  int rows() const { return PQntuples(r_); }
  std::string text(int row, int column) const {
    return std::string(PQgetvalue(r_, row, column), static_cast<std::size_t>(PQgetlength(r_, row, column)));
  }
  std::int64_t integer(int row, int column) const { return std::stoll(text(row, column)); }
  bool is_null(int row, int column) const { return PQgetisnull(r_, row, column) != 0; }

 private:
  PGresult* r_;
};

// Parameters are sent as text, bytes (a BYTEA) as they are; libpq quotes
// nothing itself, the server binds.
class Param {
 public:
  Param(std::string text) : text_(std::move(text)) {}  // NOLINT: implicit on purpose
  Param(const char* text) : text_(text) {}              // NOLINT
  Param(std::int64_t value) : text_(std::to_string(value)) {}  // NOLINT
  static Param bytes(std::string bytes) {
    Param p(std::move(bytes));
    p.binary_ = true;
    return p;
  }
  const char* data() const { return text_.c_str(); }
  int size() const { return static_cast<int>(text_.size()); }
  bool binary() const { return binary_; }

 private:
  std::string text_;
  bool binary_ = false;
};

OperatorRow operator_row(const Result& r, int i) {
  return {r.text(i, 0), r.text(i, 1), r.text(i, 2), r.integer(i, 3), r.integer(i, 4), r.integer(i, 5)};
}

// A BYTEA column as PostgreSQL writes it in text ("\x" and hex), as bytes.
std::string unescaped_bytes(const std::string& text) {
  std::size_t length = 0;
  unsigned char* bytes = PQunescapeBytea(reinterpret_cast<const unsigned char*>(text.c_str()), &length);
  if (!bytes) throw StoreError("postgres: a snapshot does not decode");
  std::string out(reinterpret_cast<const char*>(bytes), length);
  PQfreemem(bytes);
  return out;
}

// The member's stored state: its snapshot, or the JSON of a row from before snapshots.
std::string stored_state_of(const std::string& json, const std::string& snapshot, bool has_snapshot) {
  return has_snapshot ? unescaped_bytes(snapshot) : json;
}

// libpq's messages end in a newline.
std::string trimmed(std::string message) {
  while (!message.empty() && message.back() == '\n') message.pop_back();
  return message;
}

// Parameters as libpq takes them.
struct Bound {
  explicit Bound(const std::vector<Param>& params) {
    for (const Param& p : params) {
      values.push_back(p.data());
      lengths.push_back(p.size());
      formats.push_back(p.binary() ? 1 : 0);
    }
  }
  int count() const { return static_cast<int>(values.size()); }
  std::vector<const char*> values;
  std::vector<int> lengths;
  std::vector<int> formats;
};

// The statements prepared on each connection: PostgreSQL parsing and
// planning a statement again for every event costs more than running it.
class PreparedStatements {
 public:
  // The statement's name on `conn`, prepared there first if need be.
  std::string name(PGconn* conn, const char* sql, int params) {
    char name[24];
    std::snprintf(name, sizeof name, "q%016zx", std::hash<std::string_view>()(sql));
    {
      std::lock_guard<std::mutex> hold(mutex_);
      if (prepared_[conn].count(name)) return name;
    }
    PGresult* r = PQprepare(conn, name, sql, params, nullptr);
    const bool ok = PQresultStatus(r) == PGRES_COMMAND_OK;
    std::string message = ok ? "" : PQresultErrorMessage(r);
    PQclear(r);
    if (!ok) throw StoreError("postgres: " + trimmed(message));
    std::lock_guard<std::mutex> hold(mutex_);
    prepared_[conn].insert(name);
    return name;
  }
  // The connection is closed or reset: its statements are gone.
  void forget(PGconn* conn) {
    std::lock_guard<std::mutex> hold(mutex_);
    prepared_.erase(conn);
  }

 private:
  std::mutex mutex_;
  std::unordered_map<PGconn*, std::unordered_set<std::string>> prepared_;
};

PreparedStatements& prepared_statements() {
  static PreparedStatements statements;
  return statements;
}

void finish(PGconn* conn) {
  prepared_statements().forget(conn);
  PQfinish(conn);
}

// Statements with parameters run prepared; the others (BEGIN, COMMIT) as they are.
Result run(PGconn* conn, const char* sql, const std::vector<Param>& params = {}) {
  const Bound bound(params);
  const int n = bound.count();
  PGresult* r = n == 0 ? PQexecParams(conn, sql, 0, nullptr, nullptr, nullptr, nullptr, 0)
                       : PQexecPrepared(conn, prepared_statements().name(conn, sql, n).c_str(), n, bound.values.data(),
                                        bound.lengths.data(), bound.formats.data(), 0);
  const ExecStatusType status = PQresultStatus(r);
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
    std::string message = PQresultErrorMessage(r);
    PQclear(r);
    throw StoreError("postgres: " + trimmed(message));
  }
  return Result(r);
}

// Several statements at once (the schema); no parameters.
void run_script(PGconn* conn, const char* sql) {
  PGresult* r = PQexec(conn, sql);
  const bool ok = PQresultStatus(r) == PGRES_COMMAND_OK || PQresultStatus(r) == PGRES_TUPLES_OK;
  std::string message = ok ? "" : PQresultErrorMessage(r);
  PQclear(r);
  if (!ok) throw StoreError("postgres: " + message);
}

// A statement waiting to be sent with others.
struct Pending {
  const char* sql;
  std::vector<Param> params;
};

// The text an assumed stamp's check fails with (kAssumedStamp below),
// followed by a space and the member's id.
#define LOYALTY_STALE_STAMP "loyalty: stale member stamp"

// The member a stale stamp's error names: its primary message is
// `invalid input syntax for type integer: "<marker> <member id>"`.
std::string stale_member(const std::string& primary) {
  const std::string_view marker = LOYALTY_STALE_STAMP " ";
  const std::size_t at = primary.find(marker);
  if (at == std::string::npos || primary.back() != '"') return "";
  const std::size_t from = at + marker.size();
  return from < primary.size() ? primary.substr(from, primary.size() - 1 - from) : "";
}

// Sends `pending` in one round trip (libpq's pipeline mode) and answers the
// last one's result. After a failure the rest are not run; the first
// failure is thrown (StaleStamp when it is an assumed stamp's check).
Result run_together(PGconn* conn, std::vector<Pending>& pending) {
  std::vector<std::string> names;
  for (const Pending& p : pending) {
    names.push_back(p.params.empty() ? "" : prepared_statements().name(conn, p.sql, static_cast<int>(p.params.size())));
  }
  if (PQenterPipelineMode(conn) != 1) throw StoreError("postgres: " + trimmed(PQerrorMessage(conn)));
  bool sent = true;
  for (std::size_t i = 0; i < pending.size() && sent; ++i) {
    const Bound bound(pending[i].params);
    const int n = bound.count();
    sent = n == 0 ? PQsendQueryParams(conn, pending[i].sql, 0, nullptr, nullptr, nullptr, nullptr, 0) == 1
                  : PQsendQueryPrepared(conn, names[i].c_str(), n, bound.values.data(), bound.lengths.data(),
                                        bound.formats.data(), 0) == 1;
  }
  sent = sent && PQpipelineSync(conn) == 1;
  std::string error = sent ? "" : PQerrorMessage(conn);
  std::string primary;  // the first failure's message alone
  PGresult* last = nullptr;
  if (sent) {
    for (std::size_t i = 0; i < pending.size(); ++i) {
      PGresult* r = PQgetResult(conn);
      if (!r) {
        if (error.empty()) error = PQerrorMessage(conn);
        break;
      }
      const ExecStatusType status = PQresultStatus(r);
      if (error.empty() && status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
        error = PQresultErrorMessage(r);
        if (const char* message = PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY)) primary = message;
      }
      if (i + 1 == pending.size() && error.empty()) last = r;
      else PQclear(r);
      while (PGresult* rest = PQgetResult(conn)) PQclear(rest);  // up to the null that ends the statement's results
    }
    if (PGresult* sync = PQgetResult(conn)) PQclear(sync);  // the sync point
  }
  PQexitPipelineMode(conn);
  pending.clear();
  if (!error.empty()) {
    PQclear(last);
    if (error.find(LOYALTY_STALE_STAMP) != std::string::npos) {
      throw StaleStamp("postgres: " + trimmed(error), stale_member(primary));
    }
    throw StoreError("postgres: " + trimmed(error));
  }
  return Result(last);
}

// A text[] parameter's literal: each item quoted, its quotes and
// backslashes escaped.
std::string text_array(const std::vector<std::string>& items) {
  const std::string_view quote = "\"";
  const std::string_view escaped = "\"\\";
  std::string literal = "{";
  for (const std::string& item : items) {
    if (literal.size() > 1) literal += ',';
    literal += quote;
    for (char c : item) {
      if (escaped.find(c) != std::string_view::npos) literal += '\\';
      literal += c;
    }
    literal += quote;
  }
  return literal + "}";
}

// Waits for every other transaction holding the same key, until commit.
constexpr const char* kLock = "SELECT pg_advisory_xact_lock(hashtextextended($1, 0))";
// The same for every key of the text[] $1, taken in its order (sorted:
// transactions that take several keys then never wait for each other in a
// cycle).
constexpr const char* kLockInOrder =
    "SELECT pg_advisory_xact_lock(hashtextextended(k, 0)) FROM unnest($1::text[]) WITH ORDINALITY AS u(k, i) ORDER BY i";

std::optional<MemberRow> read_member_row(PGconn* conn, const std::string& member_id) {
  Result r = run(conn, "SELECT state, snapshot, version, inviter, snapshot IS NOT NULL, program_version FROM members "
                       "WHERE member_id = $1",
                 {member_id});
  if (r.rows() == 0) return std::nullopt;
  return MemberRow{member_id, stored_state_of(r.text(0, 0), r.text(0, 1), r.text(0, 4) == "t"), r.integer(0, 2),
                   r.text(0, 3), r.integer(0, 5)};
}

BoxSeed read_or_make_seed(PGconn* conn, const std::string& box, const std::string& window,
                          const std::string& fresh_seed_hex, std::int64_t now) {
  run(conn, "INSERT INTO box_seeds (box, draw_window, seed, commitment, created_at) VALUES ($1, $2, $3, $4, $5) "
            "ON CONFLICT (box, draw_window) DO NOTHING",
      {box, window, fresh_seed_hex, seed_commitment(*bytes_from_hex(fresh_seed_hex)), now});
  Result r = run(conn, "SELECT seed, commitment FROM box_seeds WHERE box = $1 AND draw_window = $2", {box, window});
  return {r.text(0, 0), r.text(0, 1)};
}

// A token taken from a rate-limit bucket `b`: refilled since it was last
// used (at most full), less one if one is there. $2 is the tokens a minute,
// $3 now (ms), $4 the tokens a millisecond (as text, every digit kept).
// Macros, so that each statement below is one literal for the prepared
// statements and the sharding test (tests/server/sharding_keys_test.cpp).
#define LOYALTY_TOKEN_TAKEN                                                                 \
  "taken = LEAST($2::float8, b.tokens + GREATEST(0, $3 - b.updated_ms) * $4::float8) >= 1, " \
  "tokens = LEAST($2::float8, b.tokens + GREATEST(0, $3 - b.updated_ms) * $4::float8) - "    \
  "CASE WHEN LEAST($2::float8, b.tokens + GREATEST(0, $3 - b.updated_ms) * $4::float8) >= 1 " \
  "THEN 1 ELSE 0 END, "                                                                     \
  "updated_ms = GREATEST(b.updated_ms, $3) "                                                \
  "RETURNING taken, tokens"
// $1: the member.
#define LOYALTY_TAKE_MEMBER_TOKEN                                                                          \
  "INSERT INTO member_rate_buckets AS b (member_id, tokens, updated_ms, taken) VALUES ($1, $2::float8 - 1, $3, true) " \
  "ON CONFLICT (member_id) DO UPDATE SET " LOYALTY_TOKEN_TAKEN

// $1: the address.
constexpr const char* kTakeAddressToken =
    "INSERT INTO rate_buckets AS b (key, tokens, updated_ms, taken) VALUES ($1, $2::float8 - 1, $3, true) "
    "ON CONFLICT (key) DO UPDATE SET " LOYALTY_TOKEN_TAKEN;
constexpr const char* kTakeMemberToken = LOYALTY_TAKE_MEMBER_TOKEN;

// The member's version and token epoch, one row with no answer or a row per
// answer found among $2's keys.
constexpr const char* kMemberStamp =
    "SELECT m.version, m.token_epoch, a.event_id, a.body_sha256, a.answer FROM members m "
    "LEFT JOIN answers a ON a.member_id = m.member_id AND a.event_id = ANY($2::text[]) "
    "WHERE m.member_id = $1";
// The same with a token of the member's bucket taken, $1 to $4 as above and
// the answers' keys in $5: one round trip for both.
constexpr const char* kMemberStampTakingToken =
    "WITH take AS (" LOYALTY_TAKE_MEMBER_TOKEN ") "
    "SELECT m.version, m.token_epoch, a.event_id, a.body_sha256, a.answer, take.taken, take.tokens FROM members m "
    "CROSS JOIN take LEFT JOIN answers a ON a.member_id = m.member_id AND a.event_id = ANY($5::text[]) "
    "WHERE m.member_id = $1";

// A stamp assumed (MemberTransaction::member_stamp): an error unless the
// member is at version $2 and token epoch $3 (or $3 is -1), with no answer
// among $4's keys. The error is a cast of the marker text, which stays in
// the message with the member's id ($1), so that a group of members'
// transactions can tell whose it was; an aggregate, so that no row is an
// error too. Each key is looked up on its own (a scalar subquery the planner
// keeps as it is): with `event_id = ANY(keys)` the generic plan a prepared
// statement settles on scanned every answer of the member, a cost that grew
// with the member's history (bench/RESULTS.md, 2026-12-06).
#define LOYALTY_STAMP_ASSERTED(version, epoch, keys, also)                                                     \
  "SELECT CAST(COALESCE(MAX(CASE WHEN " also "m.version = " version " AND (" epoch " < 0 OR m.token_epoch = " \
  epoch ") AND NOT EXISTS (SELECT 1 FROM unnest(" keys "::text[]) AS k(event_id) WHERE (SELECT true FROM "    \
  "answers a WHERE a.member_id = m.member_id AND a.event_id = k.event_id)) THEN '1' END), '" LOYALTY_STALE_STAMP \
  " ' || $1::text) AS int) FROM members m "
constexpr const char* kAssumedStamp = LOYALTY_STAMP_ASSERTED("$2", "$3", "$4", "") "WHERE m.member_id = $1";
// The same with a token of the member's bucket taken (and required), $1 to
// $4 as in the take, then the version, epoch and keys.
constexpr const char* kAssumedStampTakingToken =
    "WITH take AS (" LOYALTY_TAKE_MEMBER_TOKEN ") " LOYALTY_STAMP_ASSERTED("$5", "$6", "$7", "take.taken AND ")
    "CROSS JOIN take WHERE m.member_id = $1";

// A take's $4: the tokens a millisecond, every digit kept.
std::string tokens_per_ms_text(const RateTake& take) {
  char text[32];
  std::snprintf(text, sizeof text, "%.17g", take.per_ms());
  return text;
}

// A member's transaction whose writes wait and go with the next read, or
// with COMMIT: a one-event batch is two round trips (BEGIN, the member's
// lock and its stamp with the answers already given; the writes and
// COMMIT), not eight. A read sends what waits first, so it sees every
// earlier write.
class PostgresTransaction : public MemberTransaction {
 public:
  PostgresTransaction(PGconn* conn, std::string member_id, std::vector<Pending>& pending)
      : conn_(conn), member_id_(std::move(member_id)), pending_(pending) {}

  std::optional<MemberRow> member() override {
    flush();
    return read_member_row(conn_, member_id_);
  }
  std::optional<MemberStamp> member_stamp(const std::vector<std::string>& answer_keys,
                                          std::map<std::string, StoredAnswer>& answered,
                                          const RateTake* member_rate, const MemberStamp* assumed) override {
    if (assumed) {  // checked with the writes: the whole transaction is one round trip
      if (member_rate) {
        write(kAssumedStampTakingToken, {member_id_, member_rate->per_minute, member_rate->now_ms,
                                         tokens_per_ms_text(*member_rate), assumed->version, assumed->token_epoch,
                                         text_array(answer_keys)});
      } else {
        write(kAssumedStamp, {member_id_, assumed->version, assumed->token_epoch, text_array(answer_keys)});
      }
      return MemberStamp{assumed->version, assumed->token_epoch};
    }
    Result r = member_rate ? read(kMemberStampTakingToken, {member_id_, member_rate->per_minute, member_rate->now_ms,
                                                            tokens_per_ms_text(*member_rate), text_array(answer_keys)})
                           : read(kMemberStamp, {member_id_, text_array(answer_keys)});
    if (r.rows() == 0) return std::nullopt;
    for (int i = 0; i < r.rows(); ++i) {
      if (!r.is_null(i, 2)) answered[r.text(i, 2)] = StoredAnswer{r.text(i, 3), r.text(i, 4)};
    }
    MemberStamp stamp{r.integer(0, 0), r.integer(0, 1)};
    if (member_rate && r.text(0, 5) != "t") stamp.rate_wait_seconds = member_rate->seconds_until_a_token(std::stod(r.text(0, 6)));
    return stamp;
  }
  std::optional<StoredAnswer> answer(const std::string& event_id) override {
    Result r = read("SELECT body_sha256, answer FROM answers WHERE member_id = $1 AND event_id = $2",
                    {member_id_, event_id});
    if (r.rows() == 0) return std::nullopt;
    return StoredAnswer{r.text(0, 0), r.text(0, 1)};
  }
  void put_answer(const std::string& event_id, const StoredAnswer& answer, std::int64_t now) override {
    write("INSERT INTO answers (member_id, event_id, body_sha256, answer, received_at) VALUES ($1, $2, $3, $4, $5)",
          {member_id_, event_id, answer.body_sha256, answer.answer, now});
  }
  void append_ledger(const std::vector<LedgerRow>& rows) override {
    for (const LedgerRow& row : rows) {
      write("INSERT INTO ledger (member_id, event_id, at, kind, available, pending, debt, entry) "
            "VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
            {member_id_, row.event_id, row.at, row.kind, row.available, row.pending, row.debt, row.entry_json});
    }
  }
  void append_events(const std::vector<std::string>& events) override {
    if (!events.empty()) write("INSERT INTO events (member_id, events) VALUES ($1, $2)", {member_id_, json_list(events)});
  }
  void save_member(const MemberRow& row, std::int64_t now) override {
    write("INSERT INTO members (member_id, state, snapshot, version, inviter, created_at, updated_at, program_version) "
          "VALUES ($1, '', $2, $3, $4, $5, $5, $6) ON CONFLICT (member_id) DO UPDATE SET state = '', "
          "snapshot = excluded.snapshot, version = excluded.version, updated_at = excluded.updated_at, "
          "program_version = excluded.program_version",
          {member_id_, Param::bytes(row.state), row.version, row.inviter, now, row.program_version});
  }

  std::optional<std::string> scan_code_owner(const std::string& code) override {
    write(kLock, {"scan:" + code});  // held to the claim, so two members cannot both be first
    Result r = read("SELECT member_id FROM scan_codes WHERE code = $1", {code});
    if (r.rows() == 0) return std::nullopt;
    return r.text(0, 0);
  }
  void claim_scan_code(const std::string& code, const std::string& event_id, std::int64_t now) override {
    write("INSERT INTO scan_codes (code, member_id, event_id, at) VALUES ($1, $2, $3, $4)",
          {code, member_id_, event_id, now});
  }
  BoxSeed draw_seed(const std::string& box, const std::string& window, const std::string& fresh_seed_hex,
                    std::int64_t now) override {
    flush();
    return read_or_make_seed(conn_, box, window, fresh_seed_hex, now);
  }
  std::int64_t prizes_given(const std::string& box, const std::string& prize) override {
    write(kLock, {"box:" + box});  // stock and budget are read and spent by one draw at a time
    Result r = read("SELECT given FROM prizes_given WHERE box = $1 AND prize = $2", {box, prize});
    return r.rows() == 0 ? 0 : r.integer(0, 0);
  }
  BudgetUsed budget_used(const std::string& box, const std::string& day) override {
    write(kLock, {"box:" + box});
    Result r = read("SELECT points, red_packet FROM box_budget WHERE box = $1 AND day = $2", {box, day});
    if (r.rows() == 0) return {};
    return {r.integer(0, 0), r.integer(0, 1)};
  }
  void give_prize(const std::string& box, const std::string& prize, const std::string& day,
                  const BudgetUsed& cost) override {
    write("INSERT INTO prizes_given (box, prize, given) VALUES ($1, $2, 1) "
          "ON CONFLICT (box, prize) DO UPDATE SET given = prizes_given.given + 1",
          {box, prize});
    write("INSERT INTO box_budget (box, day, points, red_packet) VALUES ($1, $2, $3, $4) "
          "ON CONFLICT (box, day) DO UPDATE SET points = box_budget.points + excluded.points, "
          "red_packet = box_budget.red_packet + excluded.red_packet",
          {box, day, cost.points, cost.red_packet});
  }
  MallSold mall_sold(const std::string& item, const std::string& day) override {
    write(kLock, {"mall:" + item});  // held to the commit: the last unit goes to one member
    Result r = read("SELECT COALESCE(SUM(units), 0), COALESCE(SUM(CASE WHEN day = $2 THEN units END), 0) "
                    "FROM mall_sold WHERE item = $1", {item, day});
    return {r.integer(0, 0), r.integer(0, 1)};
  }
  void sell_mall_units(const std::string& item, const std::string& day, std::int64_t units) override {
    write(kLock, {"mall:" + item});  // a cancellation gives stock back under the same lock
    write("INSERT INTO mall_sold (item, day, units) VALUES ($1, $2, $3) "
          "ON CONFLICT (item, day) DO UPDATE SET units = mall_sold.units + excluded.units",
          {item, day, units});
  }
  void add_fulfilment(const Fulfilment& f) override {
    write("INSERT INTO mall_fulfilments (member_id, redemption, item, goods, quantity, at) VALUES ($1, $2, $3, $4, $5, $6)",
          {member_id_, f.redemption, f.item, f.goods, f.quantity, f.at});
  }
  void cancel_fulfilment(const std::string& redemption, std::int64_t at) override {
    write("UPDATE mall_fulfilments SET cancelled_at = $1 WHERE member_id = $2 AND redemption = $3", {at, member_id_, redemption});
  }
  void send_later(const std::string& member_id, const std::string& event_json, std::int64_t now) override {
    write("INSERT INTO outbox (member_id, event, created_at) VALUES ($1, $2, $3)", {member_id, event_json, now});
  }

 private:
  void write(const char* sql, std::vector<Param> params) { pending_.push_back({sql, std::move(params)}); }
  Result read(const char* sql, std::vector<Param> params) {
    write(sql, std::move(params));
    return run_together(conn_, pending_);
  }
  void flush() {
    if (!pending_.empty()) run_together(conn_, pending_);
  }

  PGconn* conn_;
  std::string member_id_;
  std::vector<Pending>& pending_;
};

// Connections opened as they are needed, up to `capacity`, each used by one
// caller at a time; one that broke is replaced on its next use.
class ConnectionPool {
 public:
  ConnectionPool(std::function<PGconn*()> connect, std::size_t capacity)
      : connect_(std::move(connect)), capacity_(capacity) {}
  ~ConnectionPool() {
    for (PGconn* c : idle_) finish(c);
  }
  ConnectionPool(const ConnectionPool&) = delete;
  ConnectionPool& operator=(const ConnectionPool&) = delete;

  // A connection opened elsewhere (the one that migrated the schema).
  void adopt(PGconn* conn) {
    std::lock_guard<std::mutex> hold(mutex_);
    idle_.push_back(conn);
    ++opened_;
  }

  template <typename Use>
  void with(Use&& use) {
    PGconn* conn = nullptr;
    {
      std::unique_lock<std::mutex> hold(mutex_);
      free_.wait(hold, [&] { return !idle_.empty() || opened_ < capacity_; });
      if (!idle_.empty()) {
        conn = idle_.back();
        idle_.pop_back();
      } else {
        ++opened_;
      }
    }
    try {
      make_ready(conn);
      use(conn);
    } catch (...) {
      give_back(conn);
      throw;
    }
    give_back(conn);
  }

 private:
  // Opens `conn` if it is not yet, or again if the server dropped it (a
  // new one, so that it gets the pool's settings again).
  void make_ready(PGconn*& conn) {
    if (conn && PQstatus(conn) != CONNECTION_OK) {
      prepared_statements().forget(conn);
      finish(conn);
      conn = nullptr;
    }
    if (!conn) conn = connect_();
  }
  void give_back(PGconn* conn) {
    std::lock_guard<std::mutex> hold(mutex_);
    if (conn && PQstatus(conn) == CONNECTION_OK && PQtransactionStatus(conn) == PQTRANS_IDLE) {
      idle_.push_back(conn);
    } else {
      if (conn) finish(conn);
      --opened_;
    }
    free_.notify_one();
  }

  std::function<PGconn*()> connect_;
  std::size_t capacity_;
  std::mutex mutex_;
  std::condition_variable free_;
  std::vector<PGconn*> idle_;
  std::size_t opened_ = 0;
};

class PostgresStore : public Store {
 public:
  explicit PostgresStore(std::string url) : url_(std::move(url)) {
    PGconn* first = connect();
    try {
      migrate(first);
    } catch (...) {
      finish(first);
      throw;
    }
    requests_.adopt(first);
  }

  // Group commit (MemberGroups, as the SQLite store's), up to
  // kGroupsInFlight groups at once: every member of a group in one
  // PostgreSQL transaction, and one round trip when their stamps are
  // assumed. All the group's members are locked first, in one order, so
  // that groups never wait on each other's members in a cycle. A group is
  // all or nothing; run_group() runs again what a failure rolled back, so
  // that one member's failure never touches another's.
  void with_member(const std::string& member_id,
                   const std::function<void(MemberTransaction&)>& work) override {
    QueuedTransaction mine(member_id, work);
    groups_.join(mine, [&](const MemberGroup& group) { run_group(group); });
  }

  GroupCounts group_counts() const override {
    GroupCounts counts = groups_.counts();
    counts.rolled_back = rolled_back_;
    counts.run_alone = run_alone_;
    return counts;
  }

  std::optional<MemberRow> read_member(const std::string& member_id) override {
    std::optional<MemberRow> row;
    with_connection([&](PGconn* conn) { row = read_member_row(conn, member_id); });
    return row;
  }

  std::vector<LedgerRow> ledger(const std::string& member_id, std::int64_t after_seq,
                                std::int64_t limit) override {
    std::vector<LedgerRow> rows;
    with_connection([&](PGconn* conn) {
      Result r = run(conn, "SELECT seq, event_id, at, kind, available, pending, debt, entry FROM ledger "
                           "WHERE member_id = $1 AND seq > $2 ORDER BY seq LIMIT $3",
                     {member_id, after_seq, limit});
      for (int i = 0; i < r.rows(); ++i) {
        rows.push_back({r.integer(i, 0), r.text(i, 1), r.integer(i, 2), r.text(i, 3), r.integer(i, 4),
                        r.integer(i, 5), r.integer(i, 6), r.text(i, 7)});
      }
    });
    return rows;
  }

  void for_each_member(const std::function<void(const MemberRow&, const LedgerSums&)>& visit) override {
    with_connection([&](PGconn* conn) {
      // One snapshot of members and ledger together, read through a cursor a
      // page at a time: the whole store never sits in this process at once.
      run(conn, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
      try {
        run(conn, "DECLARE member_scan NO SCROLL CURSOR FOR "
                  "SELECT m.member_id, m.state, m.version, m.inviter, COUNT(l.seq), "
                  "COALESCE(SUM(l.available), 0), COALESCE(SUM(l.pending), 0), COALESCE(SUM(l.debt), 0), "
                  "m.snapshot, m.snapshot IS NOT NULL, m.program_version "
                  "FROM members m LEFT JOIN ledger l ON l.member_id = m.member_id "
                  "GROUP BY m.member_id ORDER BY m.member_id");
        for (;;) {
          Result r = run(conn, "FETCH 500 FROM member_scan");
          for (int i = 0; i < r.rows(); ++i) {
            visit({r.text(i, 0), stored_state_of(r.text(i, 1), r.text(i, 8), r.text(i, 9) == "t"), r.integer(i, 2),
                   r.text(i, 3), r.integer(i, 10)},
                  {r.integer(i, 4), r.integer(i, 5), r.integer(i, 6), r.integer(i, 7)});
          }
          if (r.rows() < 500) break;
        }
        run(conn, "COMMIT");
      } catch (...) {
        PQclear(PQexec(conn, "ROLLBACK"));
        throw;
      }
    });
  }

  void for_each_ledger_row(std::int64_t from_ms, std::int64_t to_ms,
                           const std::function<void(const std::string&, const LedgerRow&)>& visit) override {
    with_connection([&](PGconn* conn) {
      run(conn, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
      try {
        run(conn, "DECLARE ledger_scan NO SCROLL CURSOR FOR "
                  "SELECT member_id, seq, event_id, at, kind, available, pending, debt, entry FROM ledger "
                  "WHERE at >= $1 AND at < $2 ORDER BY member_id, seq", {from_ms, to_ms});
        for (;;) {
          Result r = run(conn, "FETCH 1000 FROM ledger_scan");
          for (int i = 0; i < r.rows(); ++i) {
            visit(r.text(i, 0), {r.integer(i, 1), r.text(i, 2), r.integer(i, 3), r.text(i, 4), r.integer(i, 5),
                                 r.integer(i, 6), r.integer(i, 7), r.text(i, 8)});
          }
          if (r.rows() < 1000) break;
        }
        run(conn, "COMMIT");
      } catch (...) {
        PQclear(PQexec(conn, "ROLLBACK"));
        throw;
      }
    });
  }

  void for_each_member_history(
      const std::function<void(const MemberRow&, const std::vector<std::string>&)>& visit) override {
    with_connection([&](PGconn* conn) {
      run(conn, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
      try {
        run(conn, "DECLARE history_scan NO SCROLL CURSOR FOR "
                  "SELECT member_id, state, version, inviter, snapshot, snapshot IS NOT NULL, program_version FROM members "
                  "ORDER BY member_id");
        std::vector<std::string> history;
        for (;;) {
          Result page = run(conn, "FETCH 500 FROM history_scan");
          if (page.rows() == 0) break;
          // The page's events in one query, not one a member (a round trip
          // each was most of an export's time), in the members' order.
          std::vector<std::string> ids;
          for (int i = 0; i < page.rows(); ++i) ids.push_back(page.text(i, 0));
          Result events = run(conn,
                              "SELECT member_id, events FROM events WHERE member_id = ANY($1::text[]) "
                              "ORDER BY member_id, seq",
                              {text_array(ids)});
          int e = 0;
          for (int i = 0; i < page.rows(); ++i) {
            const MemberRow row{page.text(i, 0), stored_state_of(page.text(i, 1), page.text(i, 4), page.text(i, 5) == "t"),
                                page.integer(i, 2), page.text(i, 3), page.integer(i, 6)};
            history.clear();
            for (; e < events.rows() && events.text(e, 0) == row.member_id; ++e) history.push_back(events.text(e, 1));
            visit(row, history);
          }
          if (e != events.rows()) throw StoreError("export: the events of a page did not come in its members' order");
          if (page.rows() < 500) break;
        }
        run(conn, "COMMIT");
      } catch (...) {
        PQclear(PQexec(conn, "ROLLBACK"));
        throw;
      }
    });
  }

  BoxSeed box_seed(const std::string& box, const std::string& window, const std::string& fresh_seed_hex,
                   std::int64_t now) override {
    BoxSeed seed;
    with_connection([&](PGconn* conn) { seed = read_or_make_seed(conn, box, window, fresh_seed_hex, now); });
    return seed;
  }

  std::map<std::pair<std::string, std::string>, std::int64_t> prizes_given_all() override {
    std::map<std::pair<std::string, std::string>, std::int64_t> given;
    with_connection([&](PGconn* conn) {
      Result r = run(conn, "SELECT box, prize, given FROM prizes_given");
      for (int i = 0; i < r.rows(); ++i) given[{r.text(i, 0), r.text(i, 1)}] = r.integer(i, 2);
    });
    return given;
  }
  std::map<std::string, BudgetUsed> budgets_used_on(const std::string& day) override {
    std::map<std::string, BudgetUsed> used;
    with_connection([&](PGconn* conn) {
      Result r = run(conn, "SELECT box, points, red_packet FROM box_budget WHERE day = $1", {day});
      for (int i = 0; i < r.rows(); ++i) used[r.text(i, 0)] = {r.integer(i, 1), r.integer(i, 2)};
    });
    return used;
  }

  std::map<std::string, MallSold> mall_sold_on(const std::string& day) override {
    std::map<std::string, MallSold> sold;
    with_connection([&](PGconn* conn) {
      Result r = run(conn, "SELECT item, SUM(units), COALESCE(SUM(CASE WHEN day = $1 THEN units END), 0) "
                           "FROM mall_sold GROUP BY item", {day});
      for (int i = 0; i < r.rows(); ++i) sold[r.text(i, 0)] = {r.integer(i, 1), r.integer(i, 2)};
    });
    return sold;
  }

  std::vector<Fulfilment> fulfilments(std::int64_t after_seq, std::int64_t limit) override {
    std::vector<Fulfilment> rows;
    with_connection([&](PGconn* conn) {
      Result r = run(conn, "SELECT seq, member_id, redemption, item, goods, quantity, at, cancelled_at FROM mall_fulfilments "
                           "WHERE seq > $1 ORDER BY seq LIMIT $2", {after_seq, limit});
      for (int i = 0; i < r.rows(); ++i) {
        Fulfilment f{r.integer(i, 0), r.text(i, 1), r.text(i, 2), r.text(i, 3), r.text(i, 4), r.integer(i, 5), r.integer(i, 6), std::nullopt};
        if (!r.is_null(i, 7)) f.cancelled_at = r.integer(i, 7);
        rows.push_back(std::move(f));
      }
    });
    return rows;
  }

  std::vector<OutboxItem> outbox(std::int64_t limit) override {
    std::vector<OutboxItem> items;
    with_connection([&](PGconn* conn) {
      Result r = run(conn, "SELECT seq, member_id, event FROM outbox ORDER BY seq LIMIT $1", {limit});
      for (int i = 0; i < r.rows(); ++i) items.push_back({r.integer(i, 0), r.text(i, 1), r.text(i, 2)});
    });
    return items;
  }
  void outbox_done(std::int64_t seq) override {
    with_connection([&](PGconn* conn) { run(conn, "DELETE FROM outbox WHERE seq = $1", {seq}); });
  }

  std::int64_t member_count() override {
    std::int64_t count = 0;
    with_connection([&](PGconn* conn) { count = run(conn, "SELECT COUNT(*) FROM members").integer(0, 0); });
    return count;
  }

  std::optional<std::int64_t> token_epoch(const std::string& member_id) override {
    std::optional<std::int64_t> epoch;
    with_connection([&](PGconn* conn) {
      Result r = run(conn, "SELECT token_epoch FROM members WHERE member_id = $1", {member_id});
      if (r.rows() > 0) epoch = r.integer(0, 0);
    });
    return epoch;
  }

  std::optional<std::int64_t> revoke_tokens(const std::string& member_id) override {
    std::optional<std::int64_t> epoch;
    with_connection([&](PGconn* conn) {
      Result r = run(conn, "UPDATE members SET token_epoch = token_epoch + 1 WHERE member_id = $1 RETURNING token_epoch",
                     {member_id});
      if (r.rows() > 0) epoch = r.integer(0, 0);
    });
    return epoch;
  }

  // The programme versions are read from inside members' transactions (a
  // version falls due, another server published one), so not from the pool:
  // when every pooled connection is in a transaction of one member, all but
  // one wait for that member's lock, and the one holding it would wait for a
  // free connection that never comes. A connection of their own, one read at
  // a time, needs nothing a transaction holds.
  std::vector<ProgramRow> programs(std::int64_t after_version) override {
    std::vector<ProgramRow> rows;
    programs_.with([&](PGconn* conn) {
      Result r = run(conn, "SELECT version, effective_at, program, published_at FROM programs WHERE version > $1 "
                           "ORDER BY version", {after_version});
      for (int i = 0; i < r.rows(); ++i) rows.push_back({r.integer(i, 0), r.integer(i, 1), r.text(i, 2), r.integer(i, 3)});
    });
    return rows;
  }
  bool publish_program(const ProgramRow& row) override {
    bool published = false;
    with_connection([&](PGconn* conn) {
      Result r = run(conn, "INSERT INTO programs (version, effective_at, program, published_at) VALUES ($1, $2, $3, $4) "
                           "ON CONFLICT (version) DO NOTHING RETURNING version",
                     {row.version, row.effective_at, row.program, row.published_at});
      published = r.rows() == 1;
    });
    return published;
  }

  std::optional<OperatorRow> find_operator(const std::string& name) override {
    std::optional<OperatorRow> row;
    with_connection([&](PGconn* conn) {
      Result r = run(conn, "SELECT name, password_hash, role, failures, locked_until, created_at FROM operators "
                           "WHERE name = $1", {name});
      if (r.rows() > 0) row = operator_row(r, 0);
    });
    return row;
  }
  std::vector<OperatorRow> operators() override {
    std::vector<OperatorRow> rows;
    with_connection([&](PGconn* conn) {
      Result r = run(conn, "SELECT name, password_hash, role, failures, locked_until, created_at FROM operators ORDER BY name");
      for (int i = 0; i < r.rows(); ++i) rows.push_back(operator_row(r, i));
    });
    return rows;
  }
  void save_operator(const OperatorRow& row) override {
    with_connection([&](PGconn* conn) {
      run(conn, "INSERT INTO operators (name, password_hash, role, failures, locked_until, created_at) "
                "VALUES ($1, $2, $3, 0, 0, $4) ON CONFLICT (name) DO UPDATE SET "
                "password_hash = excluded.password_hash, role = excluded.role, failures = 0, locked_until = 0",
          {row.name, row.password_hash, row.role, row.created_at});
    });
  }
  void count_operator_failure(const std::string& name, std::int64_t lock_after, std::int64_t locked_until) override {
    with_connection([&](PGconn* conn) {
      run(conn, "UPDATE operators SET "
                "locked_until = CASE WHEN failures + 1 >= $1 THEN $2 ELSE locked_until END, "
                "failures = CASE WHEN failures + 1 >= $1 THEN 0 ELSE failures + 1 END WHERE name = $3",
          {lock_after, locked_until, name});
    });
  }
  void clear_operator_failures(const std::string& name) override {
    with_connection([&](PGconn* conn) { run(conn, "UPDATE operators SET failures = 0 WHERE name = $1 AND failures > 0", {name}); });
  }
  void open_operator_session(const OperatorSessionRow& row, std::int64_t now) override {
    with_connection([&](PGconn* conn) {
      run(conn, "DELETE FROM operator_sessions WHERE expires_at <= $1", {now});
      run(conn, "INSERT INTO operator_sessions (token_sha256, name, csrf_token, expires_at) VALUES ($1, $2, $3, $4)",
          {row.token_sha256, row.name, row.csrf_token, row.expires_at});
    });
  }
  std::optional<OperatorSessionRow> operator_session(const std::string& token_sha256) override {
    std::optional<OperatorSessionRow> row;
    with_connection([&](PGconn* conn) {
      Result r = run(conn, "SELECT token_sha256, name, csrf_token, expires_at FROM operator_sessions "
                           "WHERE token_sha256 = $1", {token_sha256});
      if (r.rows() > 0) row = OperatorSessionRow{r.text(0, 0), r.text(0, 1), r.text(0, 2), r.integer(0, 3)};
    });
    return row;
  }
  void end_operator_session(const std::string& token_sha256) override {
    with_connection([&](PGconn* conn) { run(conn, "DELETE FROM operator_sessions WHERE token_sha256 = $1", {token_sha256}); });
  }
  void append_operator_audit(const OperatorAuditRow& row) override {
    with_connection([&](PGconn* conn) {
      run(conn, "INSERT INTO operator_audit (at, operator, action, target, before, after) VALUES ($1, $2, $3, $4, $5, $6)",
          {row.at, row.operator_name, row.action, row.target, row.before, row.after});
    });
  }
  std::vector<OperatorAuditRow> operator_audit(std::int64_t after_seq, std::int64_t limit) override {
    std::vector<OperatorAuditRow> rows;
    with_connection([&](PGconn* conn) {
      Result r = run(conn, "SELECT seq, at, operator, action, target, before, after FROM operator_audit "
                           "WHERE seq > $1 ORDER BY seq LIMIT $2", {after_seq, limit});
      for (int i = 0; i < r.rows(); ++i) {
        rows.push_back({r.integer(i, 0), r.integer(i, 1), r.text(i, 2), r.text(i, 3), r.text(i, 4), r.text(i, 5), r.text(i, 6)});
      }
    });
    return rows;
  }
  std::optional<std::string> member_by_phone(const std::string& digest) override {
    std::optional<std::string> member;
    with_connection([&](PGconn* conn) {
      Result r = run(conn, "SELECT member_id FROM member_phones WHERE digest = $1", {digest});
      if (r.rows() > 0) member = r.text(0, 0);
    });
    return member;
  }
  std::optional<std::string> member_phone_ending(const std::string& member_id) override {
    std::optional<std::string> ending;
    with_connection([&](PGconn* conn) {
      Result r = run(conn, "SELECT ending FROM member_phones WHERE member_id = $1", {member_id});
      if (r.rows() > 0) ending = r.text(0, 0);
    });
    return ending;
  }
  bool set_member_phone(const std::string& member_id, const std::string& digest, const std::string& ending) override {
    bool set = false;
    with_connection([&](PGconn* conn) {
      transaction(conn, [&] {
        // One change of a member's phone at a time, on every server.
        run(conn, "SELECT pg_advisory_xact_lock(hashtextextended($1, 0))", {"phone:" + member_id});
        Result inserted = run(conn, "INSERT INTO member_phones (digest, member_id, ending) VALUES ($1, $2, $3) "
                                    "ON CONFLICT (digest) DO NOTHING RETURNING member_id", {digest, member_id, ending});
        if (inserted.rows() == 0) {
          set = run(conn, "SELECT member_id FROM member_phones WHERE digest = $1", {digest}).text(0, 0) == member_id;
          return;
        }
        run(conn, "DELETE FROM member_phones WHERE member_id = $1 AND digest <> $2", {member_id, digest});
        set = true;
      });
    });
    return set;
  }
  void clear_member_phone(const std::string& member_id) override {
    with_connection([&](PGconn* conn) { run(conn, "DELETE FROM member_phones WHERE member_id = $1", {member_id}); });
  }

  std::vector<DraftRow> drafts() override {
    std::vector<DraftRow> rows;
    with_connection([&](PGconn* conn) {
      Result r = run(conn, "SELECT name, base_version, saved_by, saved_at, revision FROM program_drafts ORDER BY name");
      for (int i = 0; i < r.rows(); ++i) rows.push_back({r.text(i, 0), r.integer(i, 1), "", r.text(i, 2), r.integer(i, 3), r.integer(i, 4)});
    });
    return rows;
  }
  std::optional<DraftRow> draft(const std::string& name) override {
    std::optional<DraftRow> row;
    with_connection([&](PGconn* conn) {
      Result r = run(conn, "SELECT name, base_version, program, saved_by, saved_at, revision FROM program_drafts "
                           "WHERE name = $1", {name});
      if (r.rows() > 0) row = DraftRow{r.text(0, 0), r.integer(0, 1), r.text(0, 2), r.text(0, 3), r.integer(0, 4), r.integer(0, 5)};
    });
    return row;
  }
  bool save_draft(const DraftRow& row, std::int64_t expected_revision) override {
    bool saved = false;
    with_connection([&](PGconn* conn) {
      Result r = expected_revision == 0
          ? run(conn, "INSERT INTO program_drafts (name, base_version, program, saved_by, saved_at, revision) "
                      "VALUES ($1, $2, $3, $4, $5, 1) ON CONFLICT (name) DO NOTHING RETURNING revision",
                {row.name, row.base_version, row.program, row.saved_by, row.saved_at})
          : run(conn, "UPDATE program_drafts SET base_version = $2, program = $3, saved_by = $4, saved_at = $5, "
                      "revision = revision + 1 WHERE name = $1 AND revision = $6 RETURNING revision",
                {row.name, row.base_version, row.program, row.saved_by, row.saved_at, expected_revision});
      saved = r.rows() == 1;
    });
    return saved;
  }
  bool delete_draft(const std::string& name) override {
    bool deleted = false;
    with_connection([&](PGconn* conn) {
      deleted = run(conn, "DELETE FROM program_drafts WHERE name = $1 RETURNING name", {name}).rows() == 1;
    });
    return deleted;
  }


  bool shares_rate_limits() const override { return true; }

  // One statement. Two servers taking from one bucket at once are
  // serialised by its row's lock.
  std::int64_t take_rate(RateBucket bucket, const std::string& key, const RateTake& take) override {
    if (take.per_minute <= 0) return 0;
    double tokens = 0;
    bool taken = false;
    rates_.with([&](PGconn* conn) {
      // An address's bucket unused for a minute is full again: forgetting it
      // changes nothing. (A member's is kept, a row per member as members are.)
      if (bucket == RateBucket::address && ++address_takes_ % 1000 == 0) {
        run(conn, "DELETE FROM rate_buckets WHERE updated_ms < $1", {take.now_ms - 60000});
      }
      Result r = run(conn, bucket == RateBucket::address ? kTakeAddressToken : kTakeMemberToken,
                     {key, take.per_minute, take.now_ms, tokens_per_ms_text(take)});
      taken = r.text(0, 0) == "t";
      tokens = std::stod(r.text(0, 1));
    });
    return taken ? 0 : take.seconds_until_a_token(tokens);
  }

  std::string describe() const override {
    // The URL without its password, for logs.
    const auto at = url_.find('@');
    const auto scheme = url_.find("://");
    if (at == std::string::npos || scheme == std::string::npos) return url_;
    const auto colon = url_.find(':', scheme + 3);
    if (colon == std::string::npos || colon > at) return url_;
    return url_.substr(0, colon) + ":***" + url_.substr(at);
  }

 private:
  // A new connection, with `setting` (a SET statement) if given.
  PGconn* connect(const char* setting = nullptr) {
    PGconn* conn = PQconnectdb(url_.c_str());
    if (PQstatus(conn) != CONNECTION_OK) {
      const std::string message = trimmed(PQerrorMessage(conn));
      finish(conn);
      throw StoreError("cannot connect to " + describe() + ": " + message);
    }
    PQclear(PQexec(conn, "SET client_min_messages = warning"));
    if (setting) PQclear(PQexec(conn, setting));
    return conn;
  }

  // Never throws: what fails is told to the transactions it concerns. A
  // group that fails is rolled back. When a member's assumed stamp was
  // stale, that member is told and the rest run again together; on any
  // other failure each runs again alone.
  void run_group(const MemberGroup& group) noexcept {
    MemberGroup together = group;
    MemberGroup alone;
    while (!together.empty()) {
      std::exception_ptr failure;
      std::string stale;  // the member whose stale stamp failed the group, if one did
      try {
        with_connection([&](PGconn* conn) { run_together_locked(conn, together); });
        break;
      } catch (const StaleStamp& e) {
        failure = std::current_exception();
        stale = e.member_id();
      } catch (...) {
        failure = std::current_exception();
      }
      if (together.size() == 1) {
        together.front()->error = failure;
        break;
      }
      ++rolled_back_;
      // The named member's transactions last. One is told; several (they
      // failed each other's checks), none named, or another failure: from
      // there each runs alone.
      auto from = std::stable_partition(together.begin(), together.end(),
                                        [&](const QueuedTransaction* q) { return q->member_id != stale; });
      if (!stale.empty() && from != together.end() && std::next(from) == together.end()) {
        together.back()->error = failure;
        together.pop_back();
        continue;
      }
      if (from == together.end()) from = together.begin();
      alone.insert(alone.end(), from, together.end());
      together.erase(from, together.end());
    }
    run_alone_ += alone.size();
    for (QueuedTransaction* q : alone) {
      try {
        with_connection([&](PGconn* conn) { run_together_locked(conn, {q}); });
      } catch (...) {
        q->error = std::current_exception();
      }
    }
  }

  // The members' transactions as one: BEGIN and every member's lock go with
  // the first read (or with COMMIT, when none reads).
  static void run_together_locked(PGconn* conn, const MemberGroup& group) {
    std::vector<std::string> keys;
    for (const QueuedTransaction* q : group) keys.push_back("member:" + q->member_id);
    std::sort(keys.begin(), keys.end());
    keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
    std::vector<Pending> pending = {{"BEGIN", {}}};
    if (keys.size() == 1) {
      pending.push_back({kLock, {keys.front()}});
    } else {
      pending.push_back({kLockInOrder, {text_array(keys)}});
    }
    try {
      for (const QueuedTransaction* q : group) {
        PostgresTransaction tx(conn, q->member_id, pending);
        q->work(tx);
      }
      pending.push_back({"COMMIT", {}});
      run_together(conn, pending);
    } catch (...) {
      PQclear(PQexec(conn, "ROLLBACK"));
      throw;
    }
  }

  // A connection of the requests' pool for `use`.
  template <typename Use>
  void with_connection(Use&& use) {
    requests_.with(std::forward<Use>(use));
  }

  template <typename Work>
  static void transaction(PGconn* conn, Work&& work) {
    run(conn, "BEGIN");
    try {
      work();
      run(conn, "COMMIT");
    } catch (...) {
      PQclear(PQexec(conn, "ROLLBACK"));
      throw;
    }
  }

  void migrate(PGconn* conn) {
    transaction(conn, [&] {
      // One server migrates at a time; the others wait, then find it done.
      run(conn, "SELECT pg_advisory_xact_lock(hashtextextended('loyalty schema', 0))");
      Result exists = run(conn, "SELECT to_regclass('schema_version') IS NOT NULL");
      std::int64_t have = 0;
      if (exists.text(0, 0) == "t") {
        Result v = run(conn, "SELECT COALESCE(MAX(version), 0) FROM schema_version");
        have = v.integer(0, 0);
      }
      if (have > kSchemaVersion) {
        throw StoreError(describe() + " has schema version " + std::to_string(have) + ", newer than this binary's " +
                         std::to_string(kSchemaVersion));
      }
      if (have == kSchemaVersion) return;
      run_script(conn, kSchema);
      run(conn, "DELETE FROM schema_version");
      run(conn, "INSERT INTO schema_version (version) VALUES ($1)", {std::int64_t{kSchemaVersion}});
    });
  }

  std::string url_;
  ConnectionPool requests_{[this] { return connect(); }, kConnections};
  // Rate limits take their tokens on connections of their own (from the
  // requests' pool, a take queued behind members' transactions waiting for
  // their commits' flush; bench/RESULTS.md, 2026-12-04), and commit without
  // waiting for the flush: a crash can lose only the last tokens taken.
  ConnectionPool rates_{[this] { return connect("SET synchronous_commit = off"); }, kRateConnections};
  ConnectionPool programs_{[this] { return connect(); }, 1};  // programs() only
  std::atomic<std::uint64_t> address_takes_{0};

  MemberGroups groups_{kGroupsInFlight};
  std::atomic<std::uint64_t> rolled_back_{0};
  std::atomic<std::uint64_t> run_alone_{0};
};

}  // namespace

std::unique_ptr<Store> open_postgres_store(const std::string& url) { return std::make_unique<PostgresStore>(url); }

}  // namespace loyalty::server
