#include "cli.hpp"

#include <chrono>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <optional>
#include <sstream>

#include "audit.hpp"
#include "cli_support.hpp"
#include "program_change.hpp"
#include "progress.hpp"
#include "sqlite_backup.hpp"
#include "loyalty/engine.hpp"
#include "loyalty/json_codec.hpp"
#include "store.hpp"

namespace loyalty::cli {

namespace {

constexpr const char* kUsage =
    "usage:\n"
    "  loyalty serve --program PROGRAM.json [--db sqlite:loyalty.db | postgres://USER@HOST/DB]\n"
    "                [--listen 127.0.0.1:8080]\n"
    "                [--static DIR] [--package DIR] [--demo] [--token-ttl SECONDS]\n"
    "                [--member-rate N] [--ip-rate N] [--request-timeout SECONDS] [--member-cache-mb MB]\n"
    "                [--cors-origin https://shop.example ...]\n"
    "      the sync server (server/openapi.yaml): member and merchant API on the store,\n"
    "      the JS package at /pkg/ and DIR at /; secrets from LOYALTY_TOKEN_SECRET and\n"
    "      LOYALTY_MERCHANT_KEY (made up with --demo, which also opens /v1/demo/login);\n"
    "      a connection whose request is not in whole within --request-timeout (15) is cut;\n"
    "      members' parsed states are held between requests in up to --member-cache-mb (32);\n"
    "      pages on each --cors-origin (exact, repeatable) may call the API and load /pkg/\n"
    "  loyalty migrate --db URL\n"
    "      create the store's schema or bring it up to date\n"
    "  loyalty audit --db URL [--program PROGRAM.json]\n"
    "      recompute every member's balances from the ledger; exit 1 on any mismatch;\n"
    "      progress on stderr (Ctrl-C stops it, exit 130). Each member is read under the\n"
    "      programme version its state was written with; --program only for a store\n"
    "      that holds no versions (as for export and report)\n"
    "  loyalty audit operators --db URL [--after SEQ] [--limit 1000]\n"
    "      the console's audit log: every operator action (who, when, what, before and\n"
    "      after), one JSON object a line, oldest first\n"
    "  loyalty operator add --db URL --name NAME --role viewer|service|editor|publisher\n"
    "      add a console operator, or change one's role and password (unlocking it); the\n"
    "      password from LOYALTY_OPERATOR_PASSWORD or the first line of stdin (10+ characters)\n"
    "  loyalty operator list --db URL\n"
    "      the console's operators and their roles, as JSON\n"
    "  loyalty backup --db sqlite:PATH --to FILE\n"
    "      copy a SQLite store while the server runs (a new FILE; restore: put it at --db\n"
    "      before the server starts); PostgreSQL stores are backed up with pg_dump\n"
    "  loyalty replay --program PROGRAM.json --events EVENTS.jsonl [--state STATE.json]\n"
    "      apply one member's events (one JSON object a line) and print the results,\n"
    "      the final state and the ledger; a long file shows its progress on a terminal\n"
    "  loyalty generate --program PROGRAM.json [--members 1000] [--days 365] [--seed 1]\n"
    "                   [--start 2026-01-01] [--out EVENTS.jsonl[.gz]]\n"
    "      a synthetic history of the programme's members (the same for the same seed):\n"
    "      each member's join line, then its events, one JSON object a line; what was\n"
    "      made is summed up on stderr as JSON\n"
    "  loyalty export --db URL [--program PROGRAM.json] [--out EVENTS.jsonl[.gz]]\n"
    "      every member's history from the store, while the server runs, as generate writes\n"
    "      it (a join line, then the events applied, in order): the input of simulate\n"
    "  loyalty simulate --program CURRENT.json [--candidate NEW.json] --events EVENTS.jsonl[.gz]\n"
    "                   [--out REPORT.json] [--csv DIR] [--bad-lines stop|skip] [--threads N]\n"
    "      replay every member's events (as generate writes them) under the programme and\n"
    "      the candidate: points issued, redeemed, expired and outstanding by month, the\n"
    "      liability, tiers and who moves; JSON on stdout or in REPORT.json, and with --csv\n"
    "      months.csv, tiers.csv and tier_moves.csv; progress on stderr (Ctrl-C writes nothing)\n"
    "  loyalty report liability --db URL [--program PROGRAM.json] [--at MS]\n"
    "      the points liability now (or at MS, epoch milliseconds) under the version then\n"
    "      in force, from the store while the server runs: outstanding points and their\n"
    "      worth, what expires by month, by tier and by lifecycle stage, as JSON; progress\n"
    "      on stderr (Ctrl-C stops it, exit 130)\n"
    "  loyalty check PROGRAM.json\n"
    "      validate a programme; print every error with its JSON path\n"
    "  loyalty check --against OLD.json NEW.json [--db URL] [--at MS]\n"
    "      what publishing NEW after OLD does: whether it may follow it (same programme, a\n"
    "      newer version, every dropped tier and category mapped in migrate), every rule that\n"
    "      changed, how states move; with --db, every stored member read under both, their\n"
    "      tiers now (or at MS) under each; JSON on stdout, exit 1 when NEW may not follow\n"
    "  loyalty query OP --program PROGRAM.json [REQUEST.json | -]\n"
    "      run one core operation on a JSON request (OP: see the list below)\n"
    "  loyalty preview --program PROGRAM.json [REQUEST.json | -]\n"
    "      the same as query preview_order: price a cart\n";

}  // namespace

// The usage text, ending with the engine's own list of operations.
std::string usage() {
  std::string text = kUsage;
  text += "operations:";
  for (std::string_view op : Engine::operations()) text.append(" ").append(op);
  return text + "\n";
}

std::optional<std::string> read_text(const std::string& path, std::ostream& err) {
  std::ostringstream text;
  if (path == "-") {
    text << std::cin.rdbuf();
    return text.str();
  }
  std::ifstream file(path, std::ios::binary);
  if (!file) {
    err << "loyalty: cannot read " << path << "\n";
    return std::nullopt;
  }
  text << file.rdbuf();
  return text.str();
}

// Prints an envelope: the value as indented JSON, or one line per error.
int print_value(const Json& value, std::ostream& out) {
  out << value.dump(2) << "\n";
  return 0;
}

int print_envelope(const std::string& envelope, std::ostream& out, std::ostream& err) {
  auto parsed = parse_json(envelope);
  const Json& j = parsed.value();
  if (j.at("ok").get<bool>()) return print_value(j.at("value"), out);
  for (const auto& e : j.at("errors")) {
    const std::string path = e.at("path").get<std::string>();
    err << (path.empty() ? "" : path + ": ") << e.at("message").get<std::string>() << " ["
        << e.at("code").get<std::string>() << "]\n";
  }
  return 1;
}

// --flag value pairs; false (and a usage message) on anything else.
bool read_flags(const std::vector<std::string>& args, std::map<std::string, std::string>& flags,
                std::initializer_list<const char*> required, std::ostream& err) {
  for (std::size_t i = 1; i < args.size(); i += 2) {
    if (args[i].rfind("--", 0) != 0 || i + 1 >= args.size() || !flags.count(args[i])) {
      err << "loyalty " << args[0] << ": unexpected '" << args[i] << "'\n" << usage();
      return false;
    }
    flags[args[i]] = args[i + 1];
  }
  for (const char* flag : required) {
    if (flags[flag].empty()) {
      err << "loyalty " << args[0] << ": " << flag << " is required\n" << usage();
      return false;
    }
  }
  return true;
}

std::optional<Engine> load_engine(const std::string& path, std::ostream& out, std::ostream& err) {
  auto text = read_text(path, err);
  if (!text) return std::nullopt;
  auto engine = Engine::load(*text);
  if (!engine.ok()) {
    print_envelope(error_envelope(engine.errors()), out, err);
    return std::nullopt;
  }
  return std::move(engine).value();
}

std::unique_ptr<server::Store> open_db(const std::string& url, std::ostream& err) {
  try {
    return server::open_store(url);
  } catch (const server::StoreError& e) {
    err << "loyalty: " << e.what() << "\n";
    return nullptr;
  }
}

std::optional<StorePrograms> StorePrograms::open(const std::string& command, const std::string& program_path,
                                                 server::Store& store, std::ostream& out, std::ostream& err) {
  StorePrograms programs;
  programs.versions_ = server::ProgramVersions::stored(store);
  if (programs.versions_) {
    if (!program_path.empty()) {
      const auto all = programs.versions_->all();
      const std::string held = all.size() == 1 ? "version " + std::to_string(all.front()->version())
                                                : "versions " + std::to_string(all.front()->version()) + " to " +
                                                      std::to_string(all.back()->version());
      err << "loyalty " << command << ": the store holds programme " << held
          << ", which it reads its members under; --program is not used\n";
    }
    return programs;
  }
  if (program_path.empty()) {
    err << "loyalty " << command << ": the store holds no programme versions (it was written before they were "
        << "kept): --program is required\n";
    return std::nullopt;
  }
  programs.file_ = load_engine(program_path, out, err);
  if (!programs.file_) return std::nullopt;
  return programs;
}

const Program* StorePrograms::of(const server::MemberRow& member) { return of_version(member.program_version); }

const Program* StorePrograms::of_version(std::int64_t program_version) {
  if (!versions_) return &file_->program();
  const server::HeldVersion held = versions_->version(program_version);
  return held ? &held->program() : nullptr;  // the versions held outlive the pointer
}

const Program& StorePrograms::in_force(TimeMs at) {
  return versions_ ? versions_->in_force(at)->program() : file_->program();
}

// A whole number for a flag, or a message that says which flag and why.
std::optional<std::int64_t> whole_number(const char* command, const std::string& flag, const std::string& text,
                                         std::ostream& err) {
  std::size_t used = 0;
  long long value = 0;
  try {
    value = std::stoll(text, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used == 0 || used != text.size()) {
    err << "loyalty " << command << ": " << flag << " takes a whole number, not '" << text << "'\n";
    return std::nullopt;
  }
  return value;
}

namespace {

// `check --against OLD NEW [--db URL] [--at MS]`
int check_against(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  if (args.size() < 4 || (args.size() - 4) % 2 != 0) {
    err << usage();
    return 2;
  }
  std::map<std::string, std::string> flags = {{"--db", ""}, {"--at", ""}};
  std::vector<std::string> flag_args = {"check"};
  flag_args.insert(flag_args.end(), args.begin() + 4, args.end());
  if (!read_flags(flag_args, flags, {}, err)) return 2;
  auto before = load_engine(args[2], out, err);
  if (!before) return 1;
  auto after = load_engine(args[3], out, err);
  if (!after) return 1;
  const Program& old_rules = before->program();
  const Program& new_rules = after->program();
  const Errors conflicts = server::version_conflicts(old_rules, new_rules);
  Json migrate = Json::parse(program_json(new_rules)).value("migrate", Json::object());
  Json report = {{"before", {{"id", old_rules.id}, {"version", old_rules.version}}},
                 {"after", {{"id", new_rules.id}, {"version", new_rules.version}}},
                 {"conflicts", Json::parse(errors_json(conflicts))},
                 {"migrate", migrate},
                 {"rules", server::rule_changes(old_rules, new_rules)}};
  if (!flags["--db"].empty()) {
    std::int64_t at = std::chrono::duration_cast<std::chrono::milliseconds>(
                          std::chrono::system_clock::now().time_since_epoch()).count();
    if (!flags["--at"].empty()) {
      auto given = whole_number("check", "--at", flags["--at"], err);
      if (!given) return 2;
      at = *given;
    }
    auto store = open_db(flags["--db"], err);
    if (!store) return 1;
    try {
      server::Progress progress(err, "loyalty check", "members", store->member_count(), server::is_terminal(err));
      report["members"] = server::states_change(old_rules, new_rules, *store, at, &progress);
      progress.finish();
    } catch (const server::StoreError& e) {
      err << "loyalty check: " << e.what() << "\n";
      return 1;
    }
  }
  print_value(report, out);
  for (const Error& e : conflicts) err << args[3] << ": " << e.path << ": " << e.message << " [" << e.code << "]\n";
  const bool unreadable = report.contains("members") && report["members"]["unreadable"].get<std::int64_t>() > 0;
  if (unreadable) err << args[3] << ": some stored states cannot be read under it (members.unreadable_members)\n";
  return conflicts.empty() && !unreadable ? 0 : 1;
}

int check(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  if (args.size() >= 2 && args[1] == "--against") return check_against(args, out, err);
  if (args.size() != 2) {
    err << usage();
    return 2;
  }
  auto text = read_text(args[1], err);
  if (!text) return 1;
  const std::string envelope = Engine::check_program(*text);
  std::ostringstream ignored;
  const int code = print_envelope(envelope, ignored, err);
  if (code == 0) out << args[1] << ": ok\n";
  return code;
}

// `query OP` and `preview`: --program P, then a request file or stdin.
int query(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  std::string program_path;
  std::string request_path = "-";
  const bool named = args[0] == "query";
  if (named && args.size() < 2) {
    err << usage();
    return 2;
  }
  const std::string op = named ? args[1] : "preview_order";
  for (std::size_t i = named ? 2 : 1; i < args.size(); ++i) {
    if (args[i] == "--program" && i + 1 < args.size()) {
      program_path = args[++i];
    } else {
      request_path = args[i];
    }
  }
  if (program_path.empty()) {
    err << usage();
    return 2;
  }
  auto program_text = read_text(program_path, err);
  if (!program_text) return 1;
  auto engine = Engine::load(*program_text);
  if (!engine.ok()) return print_envelope(error_envelope(engine.errors()), out, err);
  auto request = read_text(request_path, err);
  if (!request) return 1;
  return print_envelope(engine.value().call(op, *request), out, err);
}

int migrate(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  std::map<std::string, std::string> flags = {{"--db", ""}};
  if (!read_flags(args, flags, {"--db"}, err)) return 2;
  auto store = open_db(flags["--db"], err);
  if (!store) return 1;
  out << store->describe() << ": schema up to date\n";
  return 0;
}

int audit(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  if (args.size() > 1 && args[1] == "operators") return audit_operators({args.begin() + 1, args.end()}, out, err);
  std::map<std::string, std::string> flags = {{"--program", ""}, {"--db", ""}};
  if (!read_flags(args, flags, {"--db"}, err)) return 2;
  auto store = open_db(flags["--db"], err);
  if (!store) return 1;
  try {
    auto programs = StorePrograms::open("audit", flags["--program"], *store, out, err);
    if (!programs) return 1;
    server::Progress progress(err, "loyalty audit", "members", store->member_count(), server::is_terminal(err));
    return server::audit([&](const server::MemberRow& member) { return programs->of(member); }, *store, out, err,
                         &progress);
  } catch (const server::StoreError& e) {
    err << "loyalty audit: " << e.what() << "\n";
    return 1;
  }
}

int backup(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  std::map<std::string, std::string> flags = {{"--db", ""}, {"--to", ""}};
  if (!read_flags(args, flags, {"--db", "--to"}, err)) return 2;
  const std::string sqlite = "sqlite:";
  if (flags["--db"].rfind(sqlite, 0) != 0) {
    err << "loyalty backup: backs up SQLite stores (sqlite:PATH); back up PostgreSQL with pg_dump\n";
    return 2;
  }
  try {
    const server::BackupResult copy = server::backup_sqlite(flags["--db"].substr(sqlite.size()), flags["--to"]);
    out << "backed up " << copy.members << " members (" << copy.pages << " pages) to " << flags["--to"] << "\n";
    return 0;
  } catch (const server::StoreError& e) {
    err << "loyalty backup: " << e.what() << "\n";
    return 1;
  }
}

// Events through one member session a chunk at a time, so that a long file
// shows its progress; the value is the one apply_events gives for the
// whole file: results, ledger and notices joined, the last balances, the
// final state. Nothing when a chunk is refused as a request (a malformed
// event): the caller then makes the one call, whose error names the event
// by its place in the whole file.
constexpr std::size_t kReplayChunk = 500;

// "events[3].at" in a chunk that starts at `from` is "events[3 + from].at" in the whole file.
std::string events_path(const std::string& path, std::size_t from) {
  const std::string prefix = "events[";
  if (path.rfind(prefix, 0) != 0) return path;
  const std::size_t close = path.find(']', prefix.size());
  if (close == std::string::npos) return path;
  const std::size_t index = std::stoull(path.substr(prefix.size(), close - prefix.size()));
  return prefix + std::to_string(index + from) + path.substr(close);
}

std::optional<Json> replay_in_chunks(const Engine& engine, const Json& state, const Json& events,
                                     server::Progress& progress) {
  auto opened = engine.open_member(state.dump());
  if (!opened.ok()) return std::nullopt;
  MemberSession member = std::move(opened).value();
  Json value = {{"ledger", Json::array()}, {"notices", Json::array()}, {"results", Json::array()}};
  for (std::size_t from = 0; from < events.size(); from += kReplayChunk) {
    if (server::Progress::stop_asked()) return std::nullopt;
    const std::size_t to = std::min(events.size(), from + kReplayChunk);
    const Json chunk = {{"events", Json(events.begin() + static_cast<std::ptrdiff_t>(from),
                                        events.begin() + static_cast<std::ptrdiff_t>(to))}};
    auto answer = parse_json(engine.call(member, "apply_events", chunk.dump()));
    if (!answer.ok()) return std::nullopt;
    const Json& envelope = answer.value();
    if (!envelope.at("ok").get<bool>()) return std::nullopt;
    const Json& part = envelope.at("value");
    for (const char* list : {"ledger", "notices"}) {
      for (const Json& item : part.at(list)) value[list].push_back(item);
    }
    // A refused event's errors name it by its place in the chunk: in the file, `from` later.
    for (Json result : part.at("results")) {
      if (result.contains("errors")) {
        for (Json& error : result["errors"]) error["path"] = events_path(error.at("path").get<std::string>(), from);
      }
      value["results"].push_back(std::move(result));
    }
    value["balances"] = part.at("balances");
    for (std::size_t i = from; i < to; ++i) progress.step();
  }
  auto held = parse_json(engine.call(member, "state", "{}"));
  if (!held.ok()) return std::nullopt;
  const Json& kept = held.value();
  if (!kept.at("ok").get<bool>()) return std::nullopt;
  value["state"] = kept.at("value");
  if (!value.contains("balances")) return std::nullopt;  // no events: the one call answers
  return value;
}

// The events file: one JSON object a line (blank lines skipped), gathered
// into an apply_events request so that replay is exactly what the core does.
int replay(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  std::map<std::string, std::string> flags = {{"--program", ""}, {"--events", ""}, {"--state", ""}};
  if (!read_flags(args, flags, {"--program", "--events"}, err)) return 2;
  auto engine = load_engine(flags["--program"], out, err);
  if (!engine) return 1;
  auto events_text = read_text(flags["--events"], err);
  if (!events_text) return 1;
  Json events = Json::array();
  std::istringstream lines(*events_text);
  std::string line;
  for (int number = 1; std::getline(lines, line); ++number) {
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    auto event = parse_json(line);
    if (!event.ok()) {
      err << flags["--events"] << ":" << number << ": " << event.errors()[0].message << " ["
          << event.errors()[0].code << "]\n";
      return 1;
    }
    events.push_back(std::move(event).value());
  }
  Json state = Json::object();
  if (!flags["--state"].empty()) {
    auto state_text = read_text(flags["--state"], err);
    if (!state_text) return 1;
    auto parsed = parse_json(*state_text);
    if (!parsed.ok()) return print_envelope(error_envelope(parsed.errors()), out, err);
    state = std::move(parsed).value();
  }
  std::optional<Json> chunked;
  {
    server::Progress progress(err, "loyalty replay", "events", static_cast<std::int64_t>(events.size()),
                              server::is_terminal(err) && events.size() > kReplayChunk);
    chunked = replay_in_chunks(*engine, state, events, progress);
    if (server::Progress::stop_asked()) {
      err << "loyalty replay: stopped by Ctrl-C after " << progress.done() << " of " << events.size() << " events\n";
      return 130;
    }
  }
  if (chunked) return print_value(*chunked, out);
  return print_envelope(engine->apply_events(Json{{"state", state}, {"events", events}}.dump()), out, err);
}

}  // namespace

int run(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  if (args.empty() || args[0] == "--help" || args[0] == "help") {
    (args.empty() ? err : out) << usage();
    return args.empty() ? 2 : 0;
  }
  if (args[0] == "check") return check(args, out, err);
  if (args[0] == "query" || args[0] == "preview") return query(args, out, err);
  if (args[0] == "migrate") return migrate(args, out, err);
  if (args[0] == "audit") return audit(args, out, err);
  if (args[0] == "backup") return backup(args, out, err);
  if (args[0] == "replay") return replay(args, out, err);
  if (args[0] == "generate") return generate(args, out, err);
  if (args[0] == "simulate") return simulate(args, out, err);
  if (args[0] == "report") return report(args, out, err);
  if (args[0] == "export") return export_history(args, out, err);
  if (args[0] == "operator") return operator_command(args, out, err);
  err << "loyalty: unknown command '" << args[0] << "'\n" << usage();
  return 2;
}

}  // namespace loyalty::cli
