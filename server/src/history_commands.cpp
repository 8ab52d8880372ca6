// The commands on every member's history: `loyalty generate` (a synthetic
// one), `simulate` (a programme and a candidate over it), `export` (the
// store's own) and `report liability` (what members hold now).
#include "cli_support.hpp"

#include <algorithm>
#include <cstdio>
#include <deque>
#include <future>
#include <mutex>
#include <optional>
#include <sstream>
#include <thread>
#if defined(__GLIBC__)
#include <malloc.h>
#endif

#include "api_routes.hpp"
#include "history_generator.hpp"
#include "liability_report.hpp"
#include "line_files.hpp"
#include "progress.hpp"
#include "event_log.hpp"
#include "simulation.hpp"
#include "stored_state.hpp"

namespace loyalty::cli {

namespace {

// The member id of an event line as export and generate write one,
// `{"member_id":"…","event":…`, read from that beginning alone (an id without
// escapes); nullopt for any other line, which is then read whole.
std::optional<std::string_view> event_line_member(std::string_view line) {
  constexpr std::string_view head = "{\"member_id\":\"", after = "\",\"event\":";
  if (line.compare(0, head.size(), head) != 0) return std::nullopt;
  const std::size_t end = line.find('"', head.size());
  if (end == std::string_view::npos || line.compare(end, after.size(), after) != 0) return std::nullopt;
  const std::string_view id = line.substr(head.size(), end - head.size());
  if (id.find('\\') != std::string_view::npos) return std::nullopt;
  return id;
}

// Writes `text` to `path` through a temporary file: a reader never sees half a report.
bool write_whole(const std::string& path, const std::string& text, std::ostream& err) {
  const std::string part = path + ".part";
  {
    std::ofstream file(part, std::ios::binary | std::ios::trunc);
    file << text;
    if (!file.flush()) {
      err << "loyalty simulate: cannot write " << path << "\n";
      return false;
    }
  }
  if (std::rename(part.c_str(), path.c_str()) != 0) {
    err << "loyalty simulate: cannot write " << path << "\n";
    return false;
  }
  return true;
}

// The --out file of a history (gzip-compressed for a name ending in .gz);
// none named: standard output. False, with a message, if it cannot be written.
bool open_output(const char* command, const std::string& path, std::optional<server::LineWriter>& file,
                 std::ostream& err,
                 server::LineWriter::Compression compression = server::LineWriter::Compression::by_writer) {
  if (path.empty()) return true;
  file.emplace(path, compression);
  if (file->is_open()) return true;
  err << "loyalty " << command << ": cannot write " << path << "\n";
  return false;
}

}  // namespace

int generate(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  std::map<std::string, std::string> flags = {{"--program", ""}, {"--members", "1000"}, {"--days", "365"},
                                              {"--seed", "1"}, {"--start", "2026-01-01"}, {"--out", ""}};
  if (!read_flags(args, flags, {"--program"}, err)) return 2;
  auto engine = load_engine(flags["--program"], out, err);
  if (!engine) return 1;
  const auto members = whole_number("generate", "--members", flags["--members"], err);
  const auto days = whole_number("generate", "--days", flags["--days"], err);
  const auto seed = whole_number("generate", "--seed", flags["--seed"], err);
  const auto start = parse_iso_date(flags["--start"]);
  if (!start) err << "loyalty generate: --start takes a date, YYYY-MM-DD, not '" << flags["--start"] << "'\n";
  if (!members || !days || !seed || !start) return 2;
  server::HistoryOptions options;
  options.members = *members;
  options.days = *days;
  options.seed = static_cast<std::uint64_t>(*seed);
  options.start = day_number_from_date(*start) * 86400000 - engine->program().utc_offset_minutes * std::int64_t{60000};

  std::optional<server::LineWriter> file;
  if (!open_output("generate", flags["--out"], file, err)) return 1;
  std::ostream& events = file ? file->stream() : out;
  server::HistoryStatistics stats;
  try {
    stats = server::generate_history(engine->program(), options, events);
  } catch (const std::invalid_argument& e) {
    err << "loyalty generate: " << e.what() << "\n";
    return 2;
  }
  events.flush();
  if (!events || (file && !file->close())) {
    err << "loyalty generate: writing the events failed\n";
    return 1;
  }
  err << Json{{"members", stats.members},
              {"invited", stats.invited},
              {"members_by_kind", stats.members_by_kind},
              {"stage_at_end", stats.stage_at_end},
              {"events", stats.events},
              {"events_by_type", stats.events_by_type},
              {"orders_by_month", stats.orders_by_month},
              {"mean_lines_per_order", stats.events_by_type.count("order") ? stats.order_lines / stats.events_by_type["order"] : 0},
              {"mean_order_minor", stats.events_by_type.count("order") ? stats.paid_minor / stats.events_by_type["order"] : 0},
              {"refunded_orders", stats.refunded_orders}}
             .dump(2)
      << "\n";
  return 0;
}

int simulate(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  std::map<std::string, std::string> flags = {{"--program", ""}, {"--candidate", ""}, {"--events", ""},
                                              {"--out", ""},     {"--csv", ""},       {"--bad-lines", "stop"},
                                              {"--threads", std::to_string(std::max(1u, std::thread::hardware_concurrency()))}};
  if (!read_flags(args, flags, {"--program", "--events"}, err)) return 2;
  if (flags["--bad-lines"] != "stop" && flags["--bad-lines"] != "skip") {
    err << "loyalty simulate: --bad-lines is stop or skip, not '" << flags["--bad-lines"] << "'\n";
    return 2;
  }
  auto current = load_engine(flags["--program"], out, err);
  if (!current) return 1;
  std::optional<Engine> candidate;
  if (!flags["--candidate"].empty()) {
    candidate = load_engine(flags["--candidate"], out, err);
    if (!candidate) return 1;
  }
  const std::string& path = flags["--events"];
  server::LineReader events(path);
  if (!events.is_open()) {
    err << "loyalty simulate: cannot read " << path << "\n";
    return 1;
  }
  const auto threads = whole_number("simulate", "--threads", flags["--threads"], err);
  if (!threads) return 2;
  if (*threads < 1 || *threads > 64) {
    err << "loyalty simulate: --threads must be 1 to 64\n";
    return 2;
  }
  const bool keep_moves = candidate && !flags["--csv"].empty();
#if defined(__GLIBC__)
  // This thread builds each event's tree and a worker frees it: glibc puts
  // those blocks on this thread's fast lists, and every larger request
  // sweeps them together again (malloc_consolidate, 7 % of a run). Without
  // the fast lists (the per-thread caches stay) a run takes ~10 % less CPU.
  mallopt(M_MXFAST, 0);
#endif
  server::ParallelSimulation simulation(current->program(), candidate ? &candidate->program() : nullptr,
                                        static_cast<unsigned>(*threads), keep_moves);
  const bool stop_at_bad_line = flags["--bad-lines"] == "stop";
  std::vector<server::BadLine> bad_lines;  // found here; the workers find the rest
  std::optional<server::MemberEvents> member;
  {
    // Progress in MB of the file (compressed, for a .gz): counting its
    // members first would read it twice.
    constexpr std::int64_t kMB = 1 << 20;
    server::Progress progress(err, "loyalty simulate", "MB", (events.size() + kMB - 1) / kMB, server::is_terminal(err));
    std::int64_t members = 0;
    std::string line;
    for (std::int64_t number = 1; events.next(line); ++number) {
      if (server::Progress::stop_asked()) {
        err << "loyalty simulate: stopped by Ctrl-C after " << members << " members; nothing written\n";
        return 130;
      }
      if (stop_at_bad_line && simulation.found_bad_line()) break;
      // The member's next event, as export and generate write it: read in
      // full only on the thread that replays it.
      if (const auto id = event_line_member(line); id && member && *id == member->member_id) {
        member->events.push_back(std::move(line));
        member->line_numbers.push_back(number);
        continue;
      }
      if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
      std::string problem;
      auto item = JsonDocument::parse(line);
      const JsonValue* id = item.ok() ? item.value().root().find("member_id") : nullptr;
      const JsonValue* event = id ? item.value().root().find("event") : nullptr;
      const JsonValue* joined = id ? item.value().root().find("joined_at") : nullptr;
      if (!item.ok()) {
        problem = item.errors()[0].message + " [" + item.errors()[0].code + "]";
      } else if (!id || !id->is_string()) {
        problem = "a line needs a member_id [field.missing]";
      } else if (event) {
        if (!member || id->str() != member->member_id) {
          problem = "an event outside its member's lines [simulate.member_order]";
        }
      } else if (!joined || !joined->is_number_integer()) {
        problem = "a join line needs joined_at, a time in ms [field.missing]";
      }
      // A join line is the member's first state: checked as the core reads one.
      std::optional<MonthDay> birthday;
      if (problem.empty() && !event) {
        Json first = {{"member_id", id->str()}, {"joined_at", JsonDocument::to_json(*joined)}};
        if (const JsonValue* b = item.value().root().find("birthday")) first["birthday"] = JsonDocument::to_json(*b);
        auto state = member_state_from_json(current->program(), first, "");
        if (state.ok()) birthday = state.value().birthday;
        else problem = state.errors()[0].path + ": " + state.errors()[0].message + " [" + state.errors()[0].code + "]";
      }
      if (!problem.empty()) {
        bad_lines.push_back({number, std::move(problem)});
        if (stop_at_bad_line) break;
        continue;
      }
      if (event) {
        member->events.push_back(std::move(line));
        member->line_numbers.push_back(number);
        continue;
      }
      if (member) {
        simulation.add(std::move(*member));
        ++members;
        progress.advance_to(events.position() / kMB);
      }
      member = server::MemberEvents{std::string(id->str()), joined->int64(), birthday, {}, true, {}};
    }
    if (member && !(stop_at_bad_line && (!bad_lines.empty() || simulation.found_bad_line()))) {
      simulation.add(std::move(*member));
      progress.advance_to(progress.total());
    }
    progress.finish();
  }
  if (events.failed()) {
    err << "loyalty simulate: " << path << " cannot be read to its end (a damaged or cut-off file)\n";
    return 1;
  }
  Json report = simulation.finish();
  // Bad lines in the file's order, those found here and on the workers.
  bad_lines.insert(bad_lines.end(), simulation.bad_lines().begin(), simulation.bad_lines().end());
  std::stable_sort(bad_lines.begin(), bad_lines.end(),
                   [](const server::BadLine& a, const server::BadLine& b) { return a.number < b.number; });
  if (stop_at_bad_line && !bad_lines.empty()) {
    err << path << ":" << bad_lines.front().number << ": " << bad_lines.front().problem << "\n";
    return 1;
  }
  std::vector<std::int64_t> skipped_lines;  // the first few, for the report
  for (const server::BadLine& bad : bad_lines) {
    err << path << ":" << bad.number << ": " << bad.problem << "\n";
    if (skipped_lines.size() < 20) skipped_lines.push_back(bad.number);
  }
  report["skipped_lines"] = {{"count", bad_lines.size()}, {"first", skipped_lines}};
  if (!flags["--csv"].empty()) {
    const std::string dir = flags["--csv"] + "/";
    if (!write_whole(dir + "months.csv", server::Simulation::months_csv(report), err) ||
        !write_whole(dir + "tiers.csv", server::Simulation::tiers_csv(report), err) ||
        (keep_moves && !write_whole(dir + "tier_moves.csv", simulation.moves_csv(), err))) {
      return 1;
    }
  }
  if (flags["--out"].empty()) return print_value(report, out);
  return write_whole(flags["--out"], report.dump(2) + "\n", err) ? 0 : 1;
}

int report(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  if (args.size() < 2 || args[1] != "liability") {
    err << "loyalty report: the report is 'liability'\n" << usage();
    return 2;
  }
  const std::vector<std::string> rest(args.begin() + 1, args.end());  // "liability" --flag value ...
  std::map<std::string, std::string> flags = {{"--program", ""}, {"--db", ""}, {"--at", ""}};
  if (!read_flags(rest, flags, {"--db"}, err)) return 2;
  std::int64_t at = server::now_ms();
  if (!flags["--at"].empty()) {
    const auto given = whole_number("report", "--at", flags["--at"], err);
    if (!given) return 2;
    at = *given;
  }
  auto store = open_db(flags["--db"], err);
  if (!store) return 1;
  try {
    auto programs = StorePrograms::open("report", flags["--program"], *store, out, err);
    if (!programs) return 1;
    server::Progress progress(err, "loyalty report liability", "members", store->member_count(),
                              server::is_terminal(err));
    const Json report = server::liability_report(programs->in_force(at), *store, at, &progress);
    if (server::Progress::stop_asked()) {
      err << "loyalty report: stopped by Ctrl-C after " << progress.done() << " of " << progress.total() << " members\n";
      return 130;
    }
    return print_value(report, out);
  } catch (const server::StoreError& e) {
    err << "loyalty report: " << e.what() << "\n";
    return 1;
  }
}

namespace {

// What an export wrote, counted.
struct ExportCounts {
  std::int64_t exported = 0, events = 0, partial = 0, unreadable = 0;
  void add(const ExportCounts& more) {
    exported += more.exported;
    events += more.events;
    partial += more.partial;
    unreadable += more.unreadable;
  }
};

// A member's history as `loyalty generate` writes one, appended to `text`:
// its join line (the state it joined with) and the events applied to it, as
// the log holds them. `program`: the one its state was written under
// (nullptr: a version the store does not hold). `history`: room to reuse.
void append_member_lines(const server::MemberHistory& m, const Program* program,
                         std::vector<std::string_view>& history, std::string& text, ExportCounts& counts) {
  // Only the head of the state is read (`loyalty audit` reads whole states).
  std::optional<MemberJoin> joined;
  if (program) {
    auto read = server::read_stored_join(*program, m.state);
    if (read.ok()) joined = read.value();
  }
  if (!joined) {
    ++counts.unreadable;  // `loyalty audit` names them
    return;
  }
  ++counts.exported;
  history.clear();
  server::logged_event_texts(m.member_id, m.batches, history);
  // Events applied before the store kept its log are not in it (the row's version counts every event applied).
  if (static_cast<std::int64_t>(history.size()) < m.version) ++counts.partial;
  const Json id = std::string(m.member_id);
  Json join = {{"member_id", id}, {"joined_at", joined->joined_at}};
  if (!m.inviter.empty()) join["inviter"] = std::string(m.inviter);
  if (const auto& b = joined->birthday) {
    char birthday[8];
    std::snprintf(birthday, sizeof birthday, "%02d-%02d", b->month, b->day);
    join["birthday"] = birthday;
  }
  text += join.dump();
  text += '\n';
  const std::string prefix = "{\"member_id\":" + id.dump() + ",\"event\":";
  for (const std::string_view event : history) {
    text += prefix;
    text += event;
    text += "}\n";
  }
  counts.events += static_cast<std::int64_t>(history.size());
}

// A run of members made into their lines on a thread of its own.
struct ExportRun {
  std::string text;
  ExportCounts counts;
};
constexpr std::size_t kExportRunMembers = 256;

// A store read on one connection (PostgreSQL): the main thread reads the
// rows and copies each run of them to the thread that makes its lines.
struct CopiedMember {
  server::MemberRow row;
  std::vector<std::string> log;  // the event log's rows
  const Program* program;
};
ExportRun make_copied_run(const std::vector<CopiedMember>& members) {
  ExportRun run;
  std::vector<std::string_view> history;
  server::MemberHistory m;
  for (const CopiedMember& c : members) {
    m.member_id = c.row.member_id;
    m.state = c.row.state;
    m.version = c.row.version;
    m.inviter = c.row.inviter;
    m.batches.assign(c.log.begin(), c.log.end());
    append_member_lines(m, c.program, history, run.text, run.counts);
  }
  return run;
}

// Made runs written in order, at most `window` of them made ahead; for a
// ".gz" file each compressed on the thread that made it.
class RunWriter {
 public:
  RunWriter(std::ostream& lines, server::Progress& progress, std::size_t window, bool gzip)
      : lines_(lines), progress_(progress), window_(window), gzip_(gzip) {}
  // `make` run on a thread of its own; once `window` runs are in flight, the oldest is written first.
  template <typename Make>
  void add(Make make) {
    if (in_flight_.size() >= window_) write_oldest();
    in_flight_.push_back(std::async(std::launch::async, [this, make = std::move(make)]() mutable {
      ExportRun run = make();
      if (gzip_) {
        std::string packed = spare_text();
        server::append_gzip_member(run.text, packed);
        give_back(std::move(run.text));
        run.text = std::move(packed);
      }
      return run;
    }));
  }
  void finish() {
    while (!in_flight_.empty()) write_oldest();
  }
  // What is in flight is waited for and dropped: the runs may use what the caller is about to free.
  void abandon() {
    for (auto& run : in_flight_) run.wait();
    in_flight_.clear();
  }
  const ExportCounts& counts() const { return counts_; }
  // The text's memory, for the next run to make its lines in.
  std::string spare_text() {
    std::lock_guard<std::mutex> lock(spare_mutex_);
    if (spare_.empty()) return {};
    std::string text = std::move(spare_.back());
    spare_.pop_back();
    text.clear();
    return text;
  }
  void give_back(std::string text) {
    std::lock_guard<std::mutex> lock(spare_mutex_);
    spare_.push_back(std::move(text));
  }

 private:
  void write_oldest() {
    std::future<ExportRun> oldest = std::move(in_flight_.front());
    in_flight_.pop_front();
    ExportRun run = oldest.get();  // rethrows what making it threw
    lines_ << run.text;
    counts_.add(run.counts);
    // Every member read is either exported or left out as unreadable.
    progress_.advance_to(progress_.done() + run.counts.exported + run.counts.unreadable);
    give_back(std::move(run.text));
  }
  std::ostream& lines_;
  server::Progress& progress_;
  std::size_t window_;
  bool gzip_;
  ExportCounts counts_;
  std::mutex spare_mutex_;
  std::vector<std::string> spare_;
  std::deque<std::future<ExportRun>> in_flight_;  // last: its runs are waited for before the rest goes
};

// On one connection: the runs' rows copied to the threads that make them.
void export_copied(server::Store& store, StorePrograms& programs, RunWriter& writer) {
  std::vector<CopiedMember> members;
  const auto hand_over = [&] {
    if (members.empty()) return;
    writer.add([run = std::move(members)] { return make_copied_run(run); });
    members = {};
  };
  store.for_each_member_history([&](const server::MemberRow& row, const std::vector<std::string>& log) {
    if (server::Progress::stop_asked()) throw server::StoreError("stopped by Ctrl-C");
    members.push_back({row, log, programs.of(row)});
    if (members.size() >= kExportRunMembers) hand_over();
  });
  hand_over();
  writer.finish();
}

// Each run handed to the writer, read and made on its reader's thread.
void read_runs(server::HistoryScan& scan, StorePrograms& programs, RunWriter& writer,
               const std::vector<std::string>& marks, std::vector<std::mutex>& reader_busy,
               std::mutex& programs_mutex) {
  for (std::size_t i = 0; i < marks.size(); ++i) {
    if (server::Progress::stop_asked()) throw server::StoreError("stopped by Ctrl-C");
    const std::string& to = i + 1 < marks.size() ? marks[i + 1] : std::string();
    const int reader = static_cast<int>(i % reader_busy.size());
    writer.add([&, from = marks[i], to, reader, text = writer.spare_text()]() mutable {
      std::lock_guard<std::mutex> busy(reader_busy[static_cast<std::size_t>(reader)]);
      ExportRun run;
      run.text = std::move(text);
      std::vector<std::string_view> history;
      std::map<std::int64_t, const Program*> known;  // by programme version
      scan.read(reader, from, to, [&](const server::MemberHistory& m) {
        if (server::Progress::stop_asked()) throw server::StoreError("stopped by Ctrl-C");
        auto found = known.find(m.program_version);
        if (found == known.end()) {
          std::lock_guard<std::mutex> lock(programs_mutex);
          found = known.emplace(m.program_version, programs.of_version(m.program_version)).first;
        }
        append_member_lines(m, found->second, history, run.text, run.counts);
      });
      return run;
    });
  }
}

// On several readers of one snapshot: run i is read and made on reader
// i % readers, from its first member's id to the next run's, in the
// reader's own memory; nothing is copied between threads but the lines.
void export_scanned(server::HistoryScan& scan, StorePrograms& programs, RunWriter& writer) {
  const std::vector<std::string> marks = scan.member_marks(static_cast<std::int64_t>(kExportRunMembers));
  std::vector<std::mutex> reader_busy(static_cast<std::size_t>(scan.readers()));
  std::mutex programs_mutex;  // StorePrograms reads versions as they are first asked for
  try {
    read_runs(scan, programs, writer, marks, reader_busy, programs_mutex);
    writer.finish();
  } catch (...) {
    writer.abandon();
    throw;
  }
}

}  // namespace

// Every member's history from the store, in member order. The lines are
// made on other threads, a run of members at a time, while this one writes
// the runs made, in order; a store that reads on several connections at
// once (SQLite) is read on those threads too, one reader a core.
int export_history(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  std::map<std::string, std::string> flags = {{"--program", ""}, {"--db", ""}, {"--out", ""}};
  if (!read_flags(args, flags, {"--db"}, err)) return 2;
  auto store = open_db(flags["--db"], err);
  if (!store) return 1;
  std::optional<StorePrograms> programs;
  try {
    programs = StorePrograms::open("export", flags["--program"], *store, out, err);
  } catch (const server::StoreError& e) {
    err << "loyalty export: " << e.what() << "\n";
    return 1;
  }
  if (!programs) return 1;
  std::optional<server::LineWriter> file;
  const bool gzip = server::is_gzip_name(flags["--out"]);
  if (!open_output("export", flags["--out"], file, err,
                   gzip ? server::LineWriter::Compression::by_caller : server::LineWriter::Compression::by_writer)) {
    return 1;
  }
  std::ostream& lines = file ? file->stream() : out;
  const int cores = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  ExportCounts counts;
  try {
    server::Progress progress(err, "loyalty export", "members", store->member_count(), server::is_terminal(err));
    std::unique_ptr<server::HistoryScan> scan = store->history_scan(cores);
    // Two runs a reader in flight: one read while the other waits to be written.
    RunWriter writer(lines, progress, 2 * static_cast<std::size_t>(cores), gzip);
    if (scan) {
      export_scanned(*scan, *programs, writer);
    } else {
      export_copied(*store, *programs, writer);
    }
    counts = writer.counts();
  } catch (const server::StoreError& e) {
    // Runs still being made were waited for as the writer went.
    err << "loyalty export: " << e.what() << "; " << (file ? flags["--out"] + " is not whole" : std::string("the output is not whole")) << "\n";
    return server::Progress::stop_asked() ? 130 : 1;
  }
  lines.flush();
  if (!lines || (file && !file->close())) {
    err << "loyalty export: writing the history failed\n";
    return 1;
  }
  err << "exported " << counts.exported << " members, " << counts.events << " events";
  if (counts.partial) err << "; " << counts.partial << " members' histories begin after their join (applied before the store kept its event log)";
  if (counts.unreadable) err << "; " << counts.unreadable << " members' states do not load and were left out (loyalty audit names them)";
  err << "\n";
  return 0;
}

}  // namespace loyalty::cli
