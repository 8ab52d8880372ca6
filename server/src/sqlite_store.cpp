// The embedded store: one SQLite file in WAL mode. Transactions run on one
// connection (SQLite has one writer at a time anyway), grouped so that one
// fsync commits many; every commit is durable (the WAL synced) before the
// server answers, so an acknowledged event survives a crash.
#include <fcntl.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <atomic>
#include <type_traits>
#include <exception>
#include <mutex>
#include <optional>
#include <thread>
#include <unordered_map>
#include <vector>

#include "loyalty/draw.hpp"
#include "loyalty/sha256.hpp"
#include "member_groups.hpp"
#include "sqlite_checkpointer.hpp"
#include "sqlite_wal_batching.hpp"
#include "store.hpp"

namespace loyalty::server {

namespace {

constexpr int kSchemaVersion = 13;

// Version 1: members, the ledger, answers. The ledger is append-only:
// triggers refuse to change a row. Version 2 adds what all members share:
// scan codes, box seeds, prizes given and daily budgets. Version 3 adds the
// outbox of events for other members. Version 4 keeps members.state as the
// binary snapshot, a BLOB (older rows' JSON text is still read), so that an
// older binary refuses the file, and adds members.token_epoch (added by
// kAddTokenEpoch to older files). Version 5 adds the log of events applied
// (append-only, like the ledger), which `loyalty export` reads. Version 6
// adds the points mall's units sold, per item and local day, and the goods
// its redemptions ask to ship. Version 7 keeps the programme's published
// versions, and with each member the version its state was written under
// (added by kAddProgramVersion to older files). Version 8 keeps large
// states LZ4-compressed (stored_state.hpp), which an older binary would not
// read: it refuses the file instead. Version 9 adds the console's
// operators, their sessions and the audit log of their actions (append-only,
// like the ledger). Version 12 keeps a large state's held orders compressed
// apart from the rest of it (stored_state.hpp), which an older binary would
// not read; version 13 its lots written by difference (state snapshot
// version 7), likewise. Every other statement is IF NOT EXISTS, so running
// the schema migrates any older file.
constexpr const char* kSchema = R"sql(
CREATE TABLE IF NOT EXISTS members (
  member_id TEXT PRIMARY KEY,
  state TEXT NOT NULL,
  version INTEGER NOT NULL,
  inviter TEXT NOT NULL DEFAULT '',
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  token_epoch INTEGER NOT NULL DEFAULT 0,
  program_version INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS programs (
  version INTEGER PRIMARY KEY,
  effective_at INTEGER NOT NULL,
  program TEXT NOT NULL,
  published_at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS ledger (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  member_id TEXT NOT NULL,
  event_id TEXT NOT NULL,
  at INTEGER NOT NULL,
  kind TEXT NOT NULL,
  available INTEGER NOT NULL,
  pending INTEGER NOT NULL,
  debt INTEGER NOT NULL,
  entry TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS ledger_by_member ON ledger (member_id, seq);
CREATE TRIGGER IF NOT EXISTS ledger_no_update BEFORE UPDATE ON ledger
  BEGIN SELECT RAISE(ABORT, 'the ledger is append-only'); END;
CREATE TRIGGER IF NOT EXISTS ledger_no_delete BEFORE DELETE ON ledger
  BEGIN SELECT RAISE(ABORT, 'the ledger is append-only'); END;
CREATE TABLE IF NOT EXISTS answers (
  member_id TEXT NOT NULL,
  event_id TEXT NOT NULL,
  body_sha256 TEXT NOT NULL,
  answer TEXT NOT NULL,
  received_at INTEGER NOT NULL,
  PRIMARY KEY (member_id, event_id)
);
CREATE TABLE IF NOT EXISTS scan_codes (
  code TEXT PRIMARY KEY,
  member_id TEXT NOT NULL,
  event_id TEXT NOT NULL,
  at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS box_seeds (
  box TEXT NOT NULL,
  draw_window TEXT NOT NULL,
  seed TEXT NOT NULL,
  commitment TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  PRIMARY KEY (box, draw_window)
);
CREATE TABLE IF NOT EXISTS prizes_given (
  box TEXT NOT NULL,
  prize TEXT NOT NULL,
  given INTEGER NOT NULL,
  PRIMARY KEY (box, prize)
);
CREATE TABLE IF NOT EXISTS box_budget (
  box TEXT NOT NULL,
  day TEXT NOT NULL,
  points INTEGER NOT NULL,
  red_packet INTEGER NOT NULL,
  PRIMARY KEY (box, day)
);
CREATE TABLE IF NOT EXISTS mall_sold (
  item TEXT NOT NULL,
  day TEXT NOT NULL,
  units INTEGER NOT NULL,
  PRIMARY KEY (item, day)
);
CREATE TABLE IF NOT EXISTS mall_fulfilments (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  member_id TEXT NOT NULL,
  redemption TEXT NOT NULL,
  item TEXT NOT NULL,
  goods TEXT NOT NULL,
  quantity INTEGER NOT NULL,
  at INTEGER NOT NULL,
  cancelled_at INTEGER,
  UNIQUE (member_id, redemption)
);
CREATE TABLE IF NOT EXISTS outbox (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  member_id TEXT NOT NULL,
  event TEXT NOT NULL,
  created_at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS events (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  member_id TEXT NOT NULL,
  events TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS events_by_member ON events (member_id, seq);
CREATE TRIGGER IF NOT EXISTS events_no_update BEFORE UPDATE ON events
  BEGIN SELECT RAISE(ABORT, 'the event log is append-only'); END;
CREATE TRIGGER IF NOT EXISTS events_no_delete BEFORE DELETE ON events
  BEGIN SELECT RAISE(ABORT, 'the event log is append-only'); END;
CREATE TABLE IF NOT EXISTS operators (
  name TEXT PRIMARY KEY,
  password_hash TEXT NOT NULL,
  role TEXT NOT NULL,
  failures INTEGER NOT NULL DEFAULT 0,
  locked_until INTEGER NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS operator_sessions (
  token_sha256 TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  csrf_token TEXT NOT NULL,
  expires_at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS operator_audit (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  at INTEGER NOT NULL,
  operator TEXT NOT NULL,
  action TEXT NOT NULL,
  target TEXT NOT NULL,
  before TEXT NOT NULL,
  after TEXT NOT NULL
);
CREATE TRIGGER IF NOT EXISTS operator_audit_no_update BEFORE UPDATE ON operator_audit
  BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER IF NOT EXISTS operator_audit_no_delete BEFORE DELETE ON operator_audit
  BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TABLE IF NOT EXISTS member_phones (
  digest TEXT PRIMARY KEY,
  member_id TEXT NOT NULL,
  ending TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS member_phones_by_member ON member_phones (member_id);
CREATE TABLE IF NOT EXISTS program_drafts (
  name TEXT PRIMARY KEY,
  base_version INTEGER NOT NULL,
  program TEXT NOT NULL,
  saved_by TEXT NOT NULL,
  saved_at INTEGER NOT NULL,
  revision INTEGER NOT NULL
);
)sql";

// One connection and the statements prepared on it, kept prepared: parsing
// the SQL again for every event costs more than running it.
constexpr const char* kAddTokenEpoch = "ALTER TABLE members ADD COLUMN token_epoch INTEGER NOT NULL DEFAULT 0";
constexpr const char* kAddProgramVersion = "ALTER TABLE members ADD COLUMN program_version INTEGER NOT NULL DEFAULT 0";

class Connection {
 public:
  explicit Connection(sqlite3* db) : db_(db) {}
  ~Connection() {
    for (auto& [sql, stmt] : prepared_) sqlite3_finalize(stmt);
  }
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  sqlite3* db() const { return db_; }
  sqlite3_stmt* prepared(const char* sql) {
    sqlite3_stmt*& stmt = prepared_[sql];
    if (!stmt && sqlite3_prepare_v3(db_, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, nullptr) != SQLITE_OK) {
      prepared_.erase(sql);
      throw StoreError(std::string("sqlite: ") + sqlite3_errmsg(db_));
    }
    return stmt;
  }

 private:
  sqlite3* db_;
  std::unordered_map<std::string, sqlite3_stmt*> prepared_;
};

// A prepared statement borrowed for one use: reset and unbound when done.
class Statement {
 public:
  Statement(Connection& connection, const char* sql) : db_(connection.db()), stmt_(connection.prepared(sql)) {}
  ~Statement() {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
  }
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  Statement& bind(int i, const std::string& text) {
    check(sqlite3_bind_text(stmt_, i, text.data(), static_cast<int>(text.size()), SQLITE_TRANSIENT));
    return *this;
  }
  Statement& bind_bytes(int i, const std::string& bytes) {
    check(sqlite3_bind_blob(stmt_, i, bytes.data(), static_cast<int>(bytes.size()), SQLITE_TRANSIENT));
    return *this;
  }
  Statement& bind(int i, std::int64_t value) {
    check(sqlite3_bind_int64(stmt_, i, value));
    return *this;
  }
  // True while there is a row to read.
  bool step() {
    const int rc = sqlite3_step(stmt_);
    if (rc == SQLITE_ROW) return true;
    if (rc != SQLITE_DONE) fail();
    return false;
  }
  std::string text(int column) const {
    const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, column));
    return p ? std::string(p, static_cast<std::size_t>(sqlite3_column_bytes(stmt_, column))) : std::string();
  }
  std::string bytes(int column) const {
    const auto* p = static_cast<const char*>(sqlite3_column_blob(stmt_, column));
    return p ? std::string(p, static_cast<std::size_t>(sqlite3_column_bytes(stmt_, column))) : std::string();
  }
  // The column's bytes where SQLite holds them: good until the next step.
  std::string_view view(int column) const {
    const auto* p = static_cast<const char*>(sqlite3_column_blob(stmt_, column));
    return p ? std::string_view(p, static_cast<std::size_t>(sqlite3_column_bytes(stmt_, column))) : std::string_view();
  }
  std::int64_t integer(int column) const { return sqlite3_column_int64(stmt_, column); }
  bool is_null(int column) const { return sqlite3_column_type(stmt_, column) == SQLITE_NULL; }
  void reset() { sqlite3_reset(stmt_); }  // to run again with new bindings

 private:
  void check(int rc) {
    if (rc != SQLITE_OK) fail();
  }
  [[noreturn]] void fail() { throw StoreError(std::string("sqlite: ") + sqlite3_errmsg(db_)); }
  sqlite3* db_;
  sqlite3_stmt* stmt_;
};

void exec(sqlite3* db, const char* sql) {
  char* message = nullptr;
  if (sqlite3_exec(db, sql, nullptr, nullptr, &message) != SQLITE_OK) {
    std::string text = message ? message : "unknown error";
    sqlite3_free(message);
    throw StoreError("sqlite: " + text);
  }
}

MemberRow read_member_row(Connection& db, const std::string& member_id, bool& found) {
  Statement s(db, "SELECT state, version, inviter, program_version FROM members WHERE member_id = ?");
  s.bind(1, member_id);
  found = s.step();
  if (!found) return {};
  return {member_id, s.bytes(0), s.integer(1), s.text(2), s.integer(3)};
}

// A row of `SELECT name, password_hash, role, failures, locked_until, created_at FROM operators`.
OperatorRow operator_row(const Statement& s) {
  return {s.text(0), s.text(1), s.text(2), s.integer(3), s.integer(4), s.integer(5)};
}

BoxSeed read_or_make_seed(Connection& db, const std::string& box, const std::string& window,
                          const std::string& fresh_seed_hex, std::int64_t now) {
  Statement insert(db, "INSERT INTO box_seeds (box, draw_window, seed, commitment, created_at) VALUES (?, ?, ?, ?, ?) "
                       "ON CONFLICT (box, draw_window) DO NOTHING");
  insert.bind(1, box).bind(2, window).bind(3, fresh_seed_hex)
      .bind(4, seed_commitment(*bytes_from_hex(fresh_seed_hex))).bind(5, now).step();
  Statement s(db, "SELECT seed, commitment FROM box_seeds WHERE box = ? AND draw_window = ?");
  s.bind(1, box).bind(2, window);
  s.step();
  return {s.text(0), s.text(1)};
}

class SqliteTransaction : public MemberTransaction {
 public:
  SqliteTransaction(Connection& db, const std::string& member_id) : db_(db), member_id_(member_id) {}

  std::optional<MemberRow> member() override {
    bool found = false;
    MemberRow row = read_member_row(db_, member_id_, found);
    if (!found) return std::nullopt;
    return row;
  }
  // No rate take is ever given: each server keeps its own limits (shares_rate_limits()).
  // Reads are local: the stamp is read, never assumed.
  std::optional<MemberStamp> member_stamp(const std::vector<std::string>& answer_keys,
                                          std::map<std::string, StoredAnswer>& answered, const RateTake*,
                                          const MemberStamp*) override {
    Statement s(db_, "SELECT version, token_epoch FROM members WHERE member_id = ?");
    s.bind(1, member_id_);
    if (!s.step()) return std::nullopt;
    for (const std::string& key : answer_keys) {
      if (auto given = answer(key)) answered[key] = std::move(*given);
    }
    return MemberStamp{s.integer(0), s.integer(1)};
  }
  std::optional<StoredAnswer> answer(const std::string& event_id) override {
    Statement s(db_, "SELECT body_sha256, answer FROM answers WHERE member_id = ? AND event_id = ?");
    s.bind(1, member_id_).bind(2, event_id);
    if (!s.step()) return std::nullopt;
    return StoredAnswer{s.text(0), s.text(1)};
  }
  void put_answer(const std::string& event_id, const StoredAnswer& answer, std::int64_t now) override {
    Statement s(db_, "INSERT INTO answers (member_id, event_id, body_sha256, answer, received_at) VALUES (?, ?, ?, ?, ?)");
    s.bind(1, member_id_).bind(2, event_id).bind(3, answer.body_sha256).bind(4, answer.answer).bind(5, now).step();
  }
  void append_ledger(const std::vector<LedgerRow>& rows) override {
    Statement s(db_, "INSERT INTO ledger (member_id, event_id, at, kind, available, pending, debt, entry) "
                     "VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
    for (const LedgerRow& r : rows) {
      s.bind(1, member_id_).bind(2, r.event_id).bind(3, r.at).bind(4, r.kind).bind(5, r.available)
          .bind(6, r.pending).bind(7, r.debt).bind(8, r.entry_json).step();
      s.reset();
    }
  }
  void append_events(const std::vector<std::string>& events) override {
    if (events.empty()) return;
    Statement(db_, "INSERT INTO events (member_id, events) VALUES (?, ?)").bind(1, member_id_).bind(2, json_list(events)).step();
  }
  void save_member(const MemberRow& row, std::int64_t now) override {
    Statement s(db_, "INSERT INTO members (member_id, state, version, inviter, created_at, updated_at, program_version) "
                     "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (member_id) DO UPDATE SET "
                     "state = excluded.state, version = excluded.version, updated_at = excluded.updated_at, "
                     "program_version = excluded.program_version");
    s.bind(1, member_id_).bind_bytes(2, row.state).bind(3, row.version).bind(4, row.inviter).bind(5, now)
        .bind(6, now).bind(7, row.program_version).step();
  }

  std::optional<std::string> scan_code_owner(const std::string& code) override {
    Statement s(db_, "SELECT member_id FROM scan_codes WHERE code = ?");
    s.bind(1, code);
    if (!s.step()) return std::nullopt;
    return s.text(0);
  }
  void claim_scan_code(const std::string& code, const std::string& event_id, std::int64_t now) override {
    Statement s(db_, "INSERT INTO scan_codes (code, member_id, event_id, at) VALUES (?, ?, ?, ?)");
    s.bind(1, code).bind(2, member_id_).bind(3, event_id).bind(4, now).step();
  }
  BoxSeed draw_seed(const std::string& box, const std::string& window, const std::string& fresh_seed_hex,
                    std::int64_t now) override {
    return read_or_make_seed(db_, box, window, fresh_seed_hex, now);
  }
  std::int64_t prizes_given(const std::string& box, const std::string& prize) override {
    Statement s(db_, "SELECT given FROM prizes_given WHERE box = ? AND prize = ?");
    s.bind(1, box).bind(2, prize);
    return s.step() ? s.integer(0) : 0;
  }
  BudgetUsed budget_used(const std::string& box, const std::string& day) override {
    Statement s(db_, "SELECT points, red_packet FROM box_budget WHERE box = ? AND day = ?");
    s.bind(1, box).bind(2, day);
    if (!s.step()) return {};
    return {s.integer(0), s.integer(1)};
  }
  void give_prize(const std::string& box, const std::string& prize, const std::string& day,
                  const BudgetUsed& cost) override {
    Statement given(db_, "INSERT INTO prizes_given (box, prize, given) VALUES (?, ?, 1) "
                         "ON CONFLICT (box, prize) DO UPDATE SET given = given + 1");
    given.bind(1, box).bind(2, prize).step();
    Statement budget(db_, "INSERT INTO box_budget (box, day, points, red_packet) VALUES (?, ?, ?, ?) "
                          "ON CONFLICT (box, day) DO UPDATE SET points = points + excluded.points, "
                          "red_packet = red_packet + excluded.red_packet");
    budget.bind(1, box).bind(2, day).bind(3, cost.points).bind(4, cost.red_packet).step();
  }
  // One writer at a time (the store's group commit): read and sale are atomic.
  MallSold mall_sold(const std::string& item, const std::string& day) override {
    Statement s(db_, "SELECT COALESCE(SUM(units), 0), COALESCE(SUM(CASE WHEN day = ? THEN units END), 0) "
                     "FROM mall_sold WHERE item = ?");
    s.bind(1, day).bind(2, item);
    s.step();
    return {s.integer(0), s.integer(1)};
  }
  void sell_mall_units(const std::string& item, const std::string& day, std::int64_t units) override {
    Statement s(db_, "INSERT INTO mall_sold (item, day, units) VALUES (?, ?, ?) "
                     "ON CONFLICT (item, day) DO UPDATE SET units = units + excluded.units");
    s.bind(1, item).bind(2, day).bind(3, units).step();
  }
  void add_fulfilment(const Fulfilment& f) override {
    Statement s(db_, "INSERT INTO mall_fulfilments (member_id, redemption, item, goods, quantity, at) "
                     "VALUES (?, ?, ?, ?, ?, ?)");
    s.bind(1, member_id_).bind(2, f.redemption).bind(3, f.item).bind(4, f.goods).bind(5, f.quantity).bind(6, f.at).step();
  }
  void cancel_fulfilment(const std::string& redemption, std::int64_t at) override {
    Statement s(db_, "UPDATE mall_fulfilments SET cancelled_at = ? WHERE member_id = ? AND redemption = ?");
    s.bind(1, at).bind(2, member_id_).bind(3, redemption).step();
  }
  void send_later(const std::string& member_id, const std::string& event_json, std::int64_t now) override {
    Statement s(db_, "INSERT INTO outbox (member_id, event, created_at) VALUES (?, ?, ?)");
    s.bind(1, member_id).bind(2, event_json).bind(3, now).step();
  }

 private:
  Connection& db_;
  const std::string& member_id_;
};

// A connection to the store's file that waits up to 5 s for a lock another
// holds (another process, as the audit, may hold the file briefly);
// `purpose` names it in the error (" to read"); `vfs` is SQLite's default
// when null.
sqlite3* open_connection(const std::string& path, int flags, const char* purpose, const char* vfs = nullptr) {
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(path.c_str(), &db, flags | SQLITE_OPEN_NOMUTEX, vfs) != SQLITE_OK) {
    const std::string message = db ? sqlite3_errmsg(db) : "out of memory";
    sqlite3_close(db);
    throw StoreError("cannot open " + path + purpose + ": " + message);
  }
  sqlite3_busy_timeout(db, 5000);
  return db;
}

// A connection of its own for a long read beside the writer (a WAL lets
// them run together).
sqlite3* open_reader(const std::string& path) { return open_connection(path, SQLITE_OPEN_READONLY, " to read"); }

// Readers whose read transactions all began on one snapshot (see
// SqliteStore::history_scan), each kept open until the scan is done.
class SqliteHistoryScan : public HistoryScan {
 public:
  explicit SqliteHistoryScan(const std::string& path, int readers) {
    for (int i = 0; i < readers; ++i) {
      readers_.push_back(std::make_unique<Reader>());
      readers_.back()->db = open_reader(path);
      readers_.back()->connection.emplace(readers_.back()->db);
    }
  }
  // Starts every reader's read transaction (called while no commit can come between them).
  void begin() {
    for (auto& r : readers_) {
      exec(r->db, "BEGIN");
      Statement(*r->connection, "SELECT COUNT(*) FROM sqlite_master").step();  // a read: the snapshot is taken
    }
  }

  int readers() const override { return static_cast<int>(readers_.size()); }

  std::vector<std::string> member_marks(std::int64_t every) override {
    Statement s(*readers_.front()->connection, "SELECT member_id FROM members ORDER BY member_id");
    std::vector<std::string> marks;
    for (std::int64_t i = 0; s.step(); ++i) {
      if (i % every == 0) marks.push_back(s.text(0));
    }
    return marks;
  }

  void read(int reader, const std::string& from, const std::string& to,
            const std::function<void(const MemberHistory&)>& visit) override {
    Reader& r = *readers_.at(static_cast<std::size_t>(reader));
    Statement members(*r.connection, to.empty() ? "SELECT member_id, state, version, inviter, program_version FROM members "
                                                  "WHERE member_id >= ? ORDER BY member_id"
                                                : "SELECT member_id, state, version, inviter, program_version FROM members "
                                                  "WHERE member_id >= ? AND member_id < ? ORDER BY member_id");
    members.bind(1, from);
    if (!to.empty()) members.bind(2, to);
    Statement events(*r.connection, "SELECT events FROM events WHERE member_id = ? ORDER BY seq");
    MemberHistory history;
    std::vector<std::size_t> ends;
    while (members.step()) {
      history.member_id = members.view(0);
      history.state = members.view(1);
      history.version = members.integer(2);
      history.inviter = members.view(3);
      history.program_version = members.integer(4);
      // A row's bytes last only until the next step: the member's rows are
      // gathered in the reader's buffer, which keeps its memory between members.
      r.rows.clear();
      ends.clear();
      events.bind(1, std::string(history.member_id));
      while (events.step()) {
        r.rows += events.view(0);
        ends.push_back(r.rows.size());
      }
      events.reset();
      history.batches.clear();
      std::size_t start = 0;
      for (const std::size_t end : ends) {
        history.batches.emplace_back(r.rows.data() + start, end - start);
        start = end;
      }
      visit(history);
    }
  }

 private:
  struct Reader {
    sqlite3* db = nullptr;
    std::optional<Connection> connection;
    std::string rows;  // the member being visited's event rows, end to end
    // Closed with the scan, or with the ones opened before another failed to open.
    ~Reader() {
      if (!db) return;  // its open failed
      connection.reset();  // its statements are finalised before the connection closes
      sqlite3_exec(db, "ROLLBACK", nullptr, nullptr, nullptr);
      sqlite3_close(db);
    }
  };
  std::vector<std::unique_ptr<Reader>> readers_;
};

class SqliteStore : public Store {
 public:
  explicit SqliteStore(const std::string& path) : path_(path) {
    // The one writer writes each group's WAL frames at once (sqlite_wal_batching.hpp).
    db_ = open_connection(path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, "", wal_batching_vfs());
    connection_.emplace(db_);
    try {
      {
        Statement journal(*connection_, "PRAGMA journal_mode = WAL");
        wal_ = journal.step() && journal.text(0) == "wal";
      }
      // With a WAL, commits are synced by make_durable(); without one (a
      // database in memory), SQLite syncs each commit itself.
      exec(db_, wal_ ? "PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON;"
                     : "PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON;");
      // Each member's savepoint keeps a copy of the pages it changes in a
      // sub-journal, which SQLite moves to a temporary file past 64 KiB and
      // then writes page by page (under load, ~130 writes a second). In
      // memory it stays until the group's transaction ends: a page's copy
      // for each savepoint that changed it, some hundreds of KB a group.
      exec(db_, "PRAGMA temp_store = MEMORY;");
      migrate();
      // Reads on a connection of their own, beside the writer's groups (a
      // WAL lets readers and a writer run together); in memory, one connection.
      if (wal_) {
        read_db_ = open_reader(path);
        reader_.emplace(read_db_);
        checkpointer_.emplace(open_connection(path, SQLITE_OPEN_READWRITE, " for checkpoints"), db_);
      }
    } catch (...) {
      checkpointer_.reset();
      reader_.reset();
      sqlite3_close(read_db_);
      connection_.reset();
      sqlite3_close(db_);
      throw;
    }
  }
  ~SqliteStore() override {
    checkpointer_.reset();
    if (wal_fd_ >= 0) close(wal_fd_);
    reader_.reset();
    sqlite3_close(read_db_);
    connection_.reset();
    sqlite3_close(db_);
  }

  // Group commit: the transactions that arrive while a group is running
  // wait in a queue; the first of them leads the next group: every queued
  // transaction, each in its own savepoint of one SQLite transaction. A
  // transaction that throws is rolled back to its savepoint and affects no
  // other. Once a group has committed, the next group runs while this one's
  // commit is made durable (fdatasync of the WAL, which holds every commit
  // before it too); none returns before that. Each waiter is woken alone.
  void with_member(const std::string& member_id,
                   const std::function<void(MemberTransaction&)>& work) override {
    QueuedTransaction mine(member_id, work);
    std::uint64_t commit = 0;  // the group's, when this transaction leads it
    groups_.join(
        mine, [&](const MemberGroup& group) { commit = run_group(group); },
        [&](const MemberGroup& group) {
          if (commit) make_durable(group, commit);
        });
  }

  // A member's failure rolls back only its savepoint: no group runs again.
  GroupCounts group_counts() const override { return groups_.counts(); }

  std::optional<MemberRow> read_member(const std::string& member_id) override {
    return reading([&](Connection& c) -> std::optional<MemberRow> {
      bool found = false;
      MemberRow row = read_member_row(c, member_id, found);
      if (!found) return std::nullopt;
      return row;
    });
  }

  std::int64_t member_count() override {
    return reading([&](Connection& c) {
      Statement s(c, "SELECT COUNT(*) FROM members");
      return s.step() ? s.integer(0) : std::int64_t{0};
    });
  }

  std::optional<std::int64_t> token_epoch(const std::string& member_id) override {
    return reading([&](Connection& c) -> std::optional<std::int64_t> {
      Statement s(c, "SELECT token_epoch FROM members WHERE member_id = ?");
      s.bind(1, member_id);
      if (!s.step()) return std::nullopt;
      return s.integer(0);
    });
  }

  std::optional<std::int64_t> revoke_tokens(const std::string& member_id) override {
    std::optional<std::int64_t> epoch;
    with_member(member_id, [&](MemberTransaction&) {
      Statement bump(*connection_, "UPDATE members SET token_epoch = token_epoch + 1 WHERE member_id = ?");
      bump.bind(1, member_id).step();
      Statement s(*connection_, "SELECT token_epoch FROM members WHERE member_id = ?");
      s.bind(1, member_id);
      if (s.step()) epoch = s.integer(0);
    });
    return epoch;
  }

  std::vector<LedgerRow> ledger(const std::string& member_id, std::int64_t after_seq,
                                std::int64_t limit) override {
    return reading([&](Connection& c) {
      Statement s(c, "SELECT seq, event_id, at, kind, available, pending, debt, entry FROM ledger "
                     "WHERE member_id = ? AND seq > ? ORDER BY seq LIMIT ?");
      s.bind(1, member_id).bind(2, after_seq).bind(3, limit);
      std::vector<LedgerRow> rows;
      while (s.step()) {
        rows.push_back({s.integer(0), s.text(1), s.integer(2), s.text(3), s.integer(4), s.integer(5), s.integer(6),
                        s.text(7)});
      }
      return rows;
    });
  }

  void for_each_member(const std::function<void(const MemberRow&, const LedgerSums&)>& visit) override {
    scanning([&](Connection& c) {
      Statement s(c, "SELECT m.member_id, m.state, m.version, m.inviter, m.program_version, COUNT(l.seq), "
                     "COALESCE(SUM(l.available), 0), COALESCE(SUM(l.pending), 0), COALESCE(SUM(l.debt), 0) "
                     "FROM members m LEFT JOIN ledger l ON l.member_id = m.member_id "
                     "GROUP BY m.member_id ORDER BY m.member_id");
      while (s.step()) {
        visit({s.text(0), s.bytes(1), s.integer(2), s.text(3), s.integer(4)},
              {s.integer(5), s.integer(6), s.integer(7), s.integer(8)});
      }
    });
  }

  void for_each_ledger_row(std::int64_t from_ms, std::int64_t to_ms,
                           const std::function<void(const std::string&, const LedgerRow&)>& visit) override {
    scanning([&](Connection& c) {
      Statement s(c, "SELECT member_id, seq, event_id, at, kind, available, pending, debt, entry FROM ledger "
                     "WHERE at >= ? AND at < ? ORDER BY member_id, seq");
      s.bind(1, from_ms).bind(2, to_ms);
      while (s.step()) {
        visit(s.text(0), {s.integer(1), s.text(2), s.integer(3), s.text(4), s.integer(5), s.integer(6), s.integer(7), s.text(8)});
      }
    });
  }

  void for_each_member_history(
      const std::function<void(const MemberRow&, const std::vector<std::string>&)>& visit) override {
    scanning([&](Connection& c) {
      Statement members(c, "SELECT member_id, state, version, inviter, program_version FROM members ORDER BY member_id");
      Statement events(c, "SELECT events FROM events WHERE member_id = ? ORDER BY seq");
      std::vector<std::string> history;
      while (members.step()) {
        const MemberRow row{members.text(0), members.bytes(1), members.integer(2), members.text(3), members.integer(4)};
        history.clear();
        events.bind(1, row.member_id);
        while (events.step()) history.push_back(events.text(0));
        events.reset();
        visit(row, history);
      }
    });
  }

  // The readers' transactions begin while this connection holds the write
  // lock, so that no commit falls between them and all read one snapshot:
  // writers wait for as long as it takes to begin them, no longer.
  std::unique_ptr<HistoryScan> history_scan(int readers) override {
    if (!wal_) return nullptr;  // in memory: one connection
    auto scan = std::make_unique<SqliteHistoryScan>(path_, readers);
    std::lock_guard<std::mutex> lock(mutex_);
    exec(db_, "BEGIN IMMEDIATE");
    try {
      scan->begin();
    } catch (...) {
      sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
      throw;
    }
    exec(db_, "ROLLBACK");
    return scan;
  }

  BoxSeed box_seed(const std::string& box, const std::string& window, const std::string& fresh_seed_hex,
                   std::int64_t now) override {
    // A published commitment's seed is never lost.
    return durably([&] { return read_or_make_seed(*connection_, box, window, fresh_seed_hex, now); });
  }

  std::map<std::pair<std::string, std::string>, std::int64_t> prizes_given_all() override {
    return reading([&](Connection& c) {
      Statement s(c, "SELECT box, prize, given FROM prizes_given");
      std::map<std::pair<std::string, std::string>, std::int64_t> given;
      while (s.step()) given[{s.text(0), s.text(1)}] = s.integer(2);
      return given;
    });
  }
  std::map<std::string, BudgetUsed> budgets_used_on(const std::string& day) override {
    return reading([&](Connection& c) {
      Statement s(c, "SELECT box, points, red_packet FROM box_budget WHERE day = ?");
      s.bind(1, day);
      std::map<std::string, BudgetUsed> used;
      while (s.step()) used[s.text(0)] = {s.integer(1), s.integer(2)};
      return used;
    });
  }

  std::map<std::string, MallSold> mall_sold_on(const std::string& day) override {
    return reading([&](Connection& c) {
      Statement s(c, "SELECT item, SUM(units), COALESCE(SUM(CASE WHEN day = ? THEN units END), 0) "
                     "FROM mall_sold GROUP BY item");
      s.bind(1, day);
      std::map<std::string, MallSold> sold;
      while (s.step()) sold[s.text(0)] = {s.integer(1), s.integer(2)};
      return sold;
    });
  }

  std::vector<Fulfilment> fulfilments(std::int64_t after_seq, std::int64_t limit) override {
    return reading([&](Connection& c) {
      Statement s(c, "SELECT seq, member_id, redemption, item, goods, quantity, at, cancelled_at FROM mall_fulfilments "
                     "WHERE seq > ? ORDER BY seq LIMIT ?");
      s.bind(1, after_seq).bind(2, limit);
      std::vector<Fulfilment> rows;
      while (s.step()) {
        Fulfilment f{s.integer(0), s.text(1), s.text(2), s.text(3), s.text(4), s.integer(5), s.integer(6), std::nullopt};
        if (!s.is_null(7)) f.cancelled_at = s.integer(7);
        rows.push_back(std::move(f));
      }
      return rows;
    });
  }

  std::vector<OutboxItem> outbox(std::int64_t limit) override {
    std::lock_guard<std::mutex> lock(mutex_);
    Statement s(*connection_, "SELECT seq, member_id, event FROM outbox ORDER BY seq LIMIT ?");
    s.bind(1, limit);
    std::vector<OutboxItem> items;
    while (s.step()) items.push_back({s.integer(0), s.text(1), s.text(2)});
    return items;
  }
  void outbox_done(std::int64_t seq) override {
    durably([&] { return Statement(*connection_, "DELETE FROM outbox WHERE seq = ?").bind(1, seq).step(); });
  }

  std::vector<ProgramRow> programs(std::int64_t after_version) override {
    return reading([&](Connection& c) {
      Statement s(c, "SELECT version, effective_at, program, published_at FROM programs WHERE version > ? ORDER BY version");
      s.bind(1, after_version);
      std::vector<ProgramRow> rows;
      while (s.step()) rows.push_back({s.integer(0), s.integer(1), s.text(2), s.integer(3)});
      return rows;
    });
  }
  bool publish_program(const ProgramRow& row) override {
    return durably([&] {
      Statement s(*connection_, "INSERT INTO programs (version, effective_at, program, published_at) VALUES (?, ?, ?, ?) "
                                "ON CONFLICT (version) DO NOTHING");
      s.bind(1, row.version).bind(2, row.effective_at).bind(3, row.program).bind(4, row.published_at).step();
      return sqlite3_changes(connection_->db()) == 1;
    });
  }

  std::optional<OperatorRow> find_operator(const std::string& name) override {
    return reading([&](Connection& c) -> std::optional<OperatorRow> {
      Statement s(c, "SELECT name, password_hash, role, failures, locked_until, created_at FROM operators WHERE name = ?");
      s.bind(1, name);
      if (!s.step()) return std::nullopt;
      return operator_row(s);
    });
  }
  std::vector<OperatorRow> operators() override {
    return reading([&](Connection& c) {
      Statement s(c, "SELECT name, password_hash, role, failures, locked_until, created_at FROM operators ORDER BY name");
      std::vector<OperatorRow> rows;
      while (s.step()) rows.push_back(operator_row(s));
      return rows;
    });
  }
  void save_operator(const OperatorRow& row) override {
    durably([&] {
      Statement s(*connection_, "INSERT INTO operators (name, password_hash, role, failures, locked_until, created_at) "
                                "VALUES (?, ?, ?, 0, 0, ?) ON CONFLICT (name) DO UPDATE SET "
                                "password_hash = excluded.password_hash, role = excluded.role, failures = 0, locked_until = 0");
      return s.bind(1, row.name).bind(2, row.password_hash).bind(3, row.role).bind(4, row.created_at).step();
    });
  }
  void count_operator_failure(const std::string& name, std::int64_t lock_after, std::int64_t locked_until) override {
    durably([&] {
      Statement s(*connection_, "UPDATE operators SET "
                                "locked_until = CASE WHEN failures + 1 >= ? THEN ? ELSE locked_until END, "
                                "failures = CASE WHEN failures + 1 >= ? THEN 0 ELSE failures + 1 END WHERE name = ?");
      return s.bind(1, lock_after).bind(2, locked_until).bind(3, lock_after).bind(4, name).step();
    });
  }
  void clear_operator_failures(const std::string& name) override {
    durably([&] {
      return Statement(*connection_, "UPDATE operators SET failures = 0 WHERE name = ? AND failures > 0").bind(1, name).step();
    });
  }
  void open_operator_session(const OperatorSessionRow& row, std::int64_t now) override {
    durably([&] {
      Statement(*connection_, "DELETE FROM operator_sessions WHERE expires_at <= ?").bind(1, now).step();
      Statement s(*connection_, "INSERT INTO operator_sessions (token_sha256, name, csrf_token, expires_at) VALUES (?, ?, ?, ?)");
      return s.bind(1, row.token_sha256).bind(2, row.name).bind(3, row.csrf_token).bind(4, row.expires_at).step();
    });
  }
  std::optional<OperatorSessionRow> operator_session(const std::string& token_sha256) override {
    return reading([&](Connection& c) -> std::optional<OperatorSessionRow> {
      Statement s(c, "SELECT token_sha256, name, csrf_token, expires_at FROM operator_sessions WHERE token_sha256 = ?");
      s.bind(1, token_sha256);
      if (!s.step()) return std::nullopt;
      return OperatorSessionRow{s.text(0), s.text(1), s.text(2), s.integer(3)};
    });
  }
  void end_operator_session(const std::string& token_sha256) override {
    durably([&] {
      return Statement(*connection_, "DELETE FROM operator_sessions WHERE token_sha256 = ?").bind(1, token_sha256).step();
    });
  }
  void append_operator_audit(const OperatorAuditRow& row) override {
    durably([&] {
      Statement s(*connection_, "INSERT INTO operator_audit (at, operator, action, target, before, after) "
                                "VALUES (?, ?, ?, ?, ?, ?)");
      return s.bind(1, row.at).bind(2, row.operator_name).bind(3, row.action).bind(4, row.target).bind(5, row.before)
          .bind(6, row.after).step();
    });
  }
  std::vector<OperatorAuditRow> operator_audit(std::int64_t after_seq, std::int64_t limit) override {
    return reading([&](Connection& c) {
      Statement s(c, "SELECT seq, at, operator, action, target, before, after FROM operator_audit "
                     "WHERE seq > ? ORDER BY seq LIMIT ?");
      s.bind(1, after_seq).bind(2, limit);
      std::vector<OperatorAuditRow> rows;
      while (s.step()) rows.push_back({s.integer(0), s.integer(1), s.text(2), s.text(3), s.text(4), s.text(5), s.text(6)});
      return rows;
    });
  }

  std::optional<std::string> member_by_phone(const std::string& digest) override {
    return reading([&](Connection& c) -> std::optional<std::string> {
      Statement s(c, "SELECT member_id FROM member_phones WHERE digest = ?");
      s.bind(1, digest);
      if (!s.step()) return std::nullopt;
      return s.text(0);
    });
  }
  std::optional<std::string> member_phone_ending(const std::string& member_id) override {
    return reading([&](Connection& c) -> std::optional<std::string> {
      Statement s(c, "SELECT ending FROM member_phones WHERE member_id = ?");
      s.bind(1, member_id);
      if (!s.step()) return std::nullopt;
      return s.text(0);
    });
  }
  bool set_member_phone(const std::string& member_id, const std::string& digest, const std::string& ending) override {
    return durably([&] {
      Statement holder(*connection_, "SELECT member_id FROM member_phones WHERE digest = ?");
      holder.bind(1, digest);
      if (holder.step()) return holder.text(0) == member_id;
      Statement(*connection_, "DELETE FROM member_phones WHERE member_id = ?").bind(1, member_id).step();
      Statement(*connection_, "INSERT INTO member_phones (digest, member_id, ending) VALUES (?, ?, ?)")
          .bind(1, digest).bind(2, member_id).bind(3, ending).step();
      return true;
    });
  }
  void clear_member_phone(const std::string& member_id) override {
    durably([&] { return Statement(*connection_, "DELETE FROM member_phones WHERE member_id = ?").bind(1, member_id).step(); });
  }

  std::vector<DraftRow> drafts() override {
    return reading([&](Connection& c) {
      Statement s(c, "SELECT name, base_version, saved_by, saved_at, revision FROM program_drafts ORDER BY name");
      std::vector<DraftRow> rows;
      while (s.step()) rows.push_back({s.text(0), s.integer(1), "", s.text(2), s.integer(3), s.integer(4)});
      return rows;
    });
  }
  std::optional<DraftRow> draft(const std::string& name) override {
    return reading([&](Connection& c) -> std::optional<DraftRow> {
      Statement s(c, "SELECT name, base_version, program, saved_by, saved_at, revision FROM program_drafts WHERE name = ?");
      s.bind(1, name);
      if (!s.step()) return std::nullopt;
      return DraftRow{s.text(0), s.integer(1), s.text(2), s.text(3), s.integer(4), s.integer(5)};
    });
  }
  bool save_draft(const DraftRow& row, std::int64_t expected_revision) override {
    return durably([&] {
      if (expected_revision == 0) {
        Statement s(*connection_, "INSERT INTO program_drafts (name, base_version, program, saved_by, saved_at, revision) "
                                  "VALUES (?, ?, ?, ?, ?, 1) ON CONFLICT (name) DO NOTHING");
        s.bind(1, row.name).bind(2, row.base_version).bind(3, row.program).bind(4, row.saved_by).bind(5, row.saved_at).step();
      } else {
        Statement s(*connection_, "UPDATE program_drafts SET base_version = ?, program = ?, saved_by = ?, saved_at = ?, "
                                  "revision = revision + 1 WHERE name = ? AND revision = ?");
        s.bind(1, row.base_version).bind(2, row.program).bind(3, row.saved_by).bind(4, row.saved_at).bind(5, row.name)
            .bind(6, expected_revision).step();
      }
      return sqlite3_changes(connection_->db()) == 1;
    });
  }
  bool delete_draft(const std::string& name) override {
    return durably([&] {
      Statement(*connection_, "DELETE FROM program_drafts WHERE name = ?").bind(1, name).step();
      return sqlite3_changes(connection_->db()) == 1;
    });
  }

  std::string describe() const override { return "sqlite:" + path_ + " (WAL)"; }

 private:
  void migrate() {
    std::int64_t have = 0;
    {
      Statement version(*connection_, "PRAGMA user_version");
      if (version.step()) have = version.integer(0);
    }
    if (have > kSchemaVersion) {
      throw StoreError(path_ + " has schema version " + std::to_string(have) + ", newer than this binary's " +
                       std::to_string(kSchemaVersion));
    }
    if (have == kSchemaVersion) return;
    exec(db_, "BEGIN IMMEDIATE");
    try {
      exec(db_, kSchema);
      if (have >= 1 && have < 4) exec(db_, kAddTokenEpoch);
      if (have >= 1 && have < 7) exec(db_, kAddProgramVersion);
      exec(db_, ("PRAGMA user_version = " + std::to_string(kSchemaVersion)).c_str());
      exec(db_, "COMMIT");
    } catch (...) {
      sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
      throw;
    }
  }

  // Never throws: what fails is told to the transactions it concerns.
  // The commit's number, 0 when the group did not commit.
  std::uint64_t run_group(const MemberGroup& group) noexcept {
    std::lock_guard<std::mutex> lock(mutex_);
    const GroupThread running(group_thread_);
    try {
      run("BEGIN IMMEDIATE");
    } catch (...) {
      fail_group(group, std::current_exception());
      return 0;
    }
    for (QueuedTransaction* q : group) {
      try {
        run("SAVEPOINT member");
        SqliteTransaction tx(*connection_, q->member_id);
        q->work(tx);
        run("RELEASE member");
      } catch (...) {
        q->error = std::current_exception();
        // A full disk or an I/O error can end the whole transaction; then
        // nothing of the group so far is kept, and each of them is told.
        if (sqlite3_get_autocommit(db_)) {
          fail_group(group, q->error);
          return 0;
        }
        sqlite3_exec(db_, "ROLLBACK TO member", nullptr, nullptr, nullptr);
        sqlite3_exec(db_, "RELEASE member", nullptr, nullptr, nullptr);
      }
    }
    try {
      run("COMMIT");
      return ++commits_;
    } catch (...) {
      sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
      fail_group(group, std::current_exception());
      return 0;
    }
  }

  // Waits until a sync that began after commit number `commit` is done.
  // Syncs are one at a time, and each covers every commit before it began:
  // the groups that commit during one sync share the next.
  void make_durable(const MemberGroup& group, std::uint64_t commit) noexcept {
    try {
      sync_through(commit);
    } catch (...) {
      fail_group(group, std::current_exception());
    }
  }

  void sync_through(std::uint64_t commit) {
    std::lock_guard<std::mutex> lock(wal_mutex_);
    if (synced_ >= commit) return;
    const std::uint64_t covered = commits_;
    sync_wal();
    synced_ = covered;
  }

  // The WAL on disk up to the last commit. synchronous=NORMAL leaves this to
  // us (SQLite itself syncs the WAL before each checkpoint and its header
  // when it is reused), so that a group's sync overlaps the next group's work.
  // Called holding wal_mutex_.
  void sync_wal() {
    if (!wal_) return;
    const std::string wal = path_ + "-wal";
    struct stat on_disk {};
    struct stat held {};
    if (wal_fd_ >= 0 && (stat(wal.c_str(), &on_disk) != 0 || fstat(wal_fd_, &held) != 0 ||
                         on_disk.st_ino != held.st_ino || on_disk.st_dev != held.st_dev)) {
      close(wal_fd_);  // the WAL was made anew (all connections closed once)
      wal_fd_ = -1;
    }
    if (wal_fd_ < 0) wal_fd_ = open(wal.c_str(), O_RDONLY | O_CLOEXEC);
    if (wal_fd_ < 0 || fdatasync(wal_fd_) != 0) {
      throw StoreError("sqlite: cannot sync " + wal + ": " + std::strerror(errno));
    }
  }

  // A write outside any group (a box seed, an outbox item done), made durable.
  template <typename Write>
  std::invoke_result_t<Write> durably(Write write) {
    std::uint64_t commit = 0;
    auto result = [&] {
      std::lock_guard<std::mutex> lock(mutex_);
      auto r = write();
      commit = ++commits_;
      return r;
    }();
    sync_through(commit);
    return result;
  }

  // `read` on the reading connection (or the only one, in memory).
  // A scan of every member (audit, the liability report, export) may take
  // minutes: with a WAL it reads on a connection of its own, one consistent
  // snapshot that holds up neither the writer nor the other readers; in
  // memory, on the one connection.
  template <typename Scan>
  void scanning(Scan scan) {
    sqlite3* scan_db = nullptr;
    std::unique_lock<std::mutex> lock(mutex_, std::defer_lock);
    if (wal_) {
      scan_db = open_reader(path_);
    } else {
      lock.lock();
    }
    sqlite3* db = scan_db ? scan_db : db_;
    try {
      std::optional<Connection> own;  // its statements are finalised before the connection closes
      if (scan_db) own.emplace(scan_db);
      exec(db, "BEGIN");
      scan(own ? *own : *connection_);
      exec(db, "COMMIT");
    } catch (...) {
      sqlite3_exec(db, "ROLLBACK", nullptr, nullptr, nullptr);
      sqlite3_close(scan_db);
      throw;
    }
    sqlite3_close(scan_db);
  }

  template <typename Read>
  std::invoke_result_t<Read, Connection&> reading(Read read) {
    // In memory, a member's transaction that reads (the programme versions)
    // reads on the connection its group already holds.
    if (!reader_ && group_thread_ == std::this_thread::get_id()) return read(*connection_);
    std::lock_guard<std::mutex> lock(reader_ ? reader_mutex_ : mutex_);
    return read(reader_ ? *reader_ : *connection_);
  }

  // A statement of the group's own (BEGIN, SAVEPOINT, ...), kept prepared.
  void run(const char* sql) { Statement(*connection_, sql).step(); }

  static void fail_group(const MemberGroup& group, const std::exception_ptr& error) {
    for (QueuedTransaction* q : group) {
      if (!q->error) q->error = error;
    }
  }

  std::string path_;
  sqlite3* db_ = nullptr;
  std::optional<Connection> connection_;  // finalised before db_ closes
  sqlite3* read_db_ = nullptr;
  std::optional<Connection> reader_;
  std::mutex reader_mutex_;
  std::mutex mutex_;  // the connection: one user at a time
  std::atomic<std::thread::id> group_thread_{};  // the thread running a group, holding mutex_
  // Names the calling thread as the group's for as long as it runs.
  struct GroupThread {
    std::atomic<std::thread::id>& id;
    explicit GroupThread(std::atomic<std::thread::id>& held) : id(held) { id = std::this_thread::get_id(); }
    ~GroupThread() { id = std::thread::id(); }
  };

  bool wal_ = false;  // in WAL mode (not a database in memory)
  std::optional<SqliteCheckpointer> checkpointer_;  // with a WAL: checkpoints off the writer's thread
  std::atomic<std::uint64_t> commits_{0};  // commits so far (written holding mutex_)
  std::mutex wal_mutex_;  // one sync at a time
  std::uint64_t synced_ = 0;  // commits known durable
  int wal_fd_ = -1;

  MemberGroups groups_{1};  // one at a time: a group's commit needs the connection
};

}  // namespace

std::unique_ptr<Store> open_sqlite_store(const std::string& path) { return std::make_unique<SqliteStore>(path); }

}  // namespace loyalty::server
