#include "cli.hpp"

#include <cstdio>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <optional>
#include <sstream>
#include <thread>

#include "api_routes.hpp"
#include "audit.hpp"
#include "history_generator.hpp"
#include "liability_report.hpp"
#include "line_files.hpp"
#include "progress.hpp"
#include "simulation.hpp"
#include "sqlite_backup.hpp"
#include "loyalty/engine.hpp"
#include "loyalty/json_codec.hpp"
#include "store.hpp"
#include "stored_state.hpp"

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
    "  loyalty audit --program PROGRAM.json --db URL\n"
    "      recompute every member's balances from the ledger; exit 1 on any mismatch;\n"
    "      progress on stderr (Ctrl-C stops it, exit 130)\n"
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
    "  loyalty export --program PROGRAM.json --db URL [--out EVENTS.jsonl[.gz]]\n"
    "      every member's history from the store, while the server runs, as generate writes\n"
    "      it (a join line, then the events applied, in order): the input of simulate\n"
    "  loyalty simulate --program CURRENT.json [--candidate NEW.json] --events EVENTS.jsonl[.gz]\n"
    "                   [--out REPORT.json] [--csv DIR] [--bad-lines stop|skip] [--threads N]\n"
    "      replay every member's events (as generate writes them) under the programme and\n"
    "      the candidate: points issued, redeemed, expired and outstanding by month, the\n"
    "      liability, tiers and who moves; JSON on stdout or in REPORT.json, and with --csv\n"
    "      months.csv, tiers.csv and tier_moves.csv; progress on stderr (Ctrl-C writes nothing)\n"
    "  loyalty report liability --program PROGRAM.json --db URL [--at MS]\n"
    "      the points liability now (or at MS, epoch milliseconds), from the store while\n"
    "      the server runs: outstanding points and their worth, what expires by month, by\n"
    "      tier and by lifecycle stage, as JSON; progress on stderr (Ctrl-C stops it, exit 130)\n"
    "  loyalty check PROGRAM.json\n"
    "      validate a programme; print every error with its JSON path\n"
    "  loyalty query OP --program PROGRAM.json [REQUEST.json | -]\n"
    "      run one core operation on a JSON request (OP: see the list below)\n"
    "  loyalty preview --program PROGRAM.json [REQUEST.json | -]\n"
    "      the same as query preview_order: price a cart\n";

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

int check(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
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

int migrate(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  std::map<std::string, std::string> flags = {{"--db", ""}};
  if (!read_flags(args, flags, {"--db"}, err)) return 2;
  auto store = open_db(flags["--db"], err);
  if (!store) return 1;
  out << store->describe() << ": schema up to date\n";
  return 0;
}

int audit(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  std::map<std::string, std::string> flags = {{"--program", ""}, {"--db", ""}};
  if (!read_flags(args, flags, {"--program", "--db"}, err)) return 2;
  auto engine = load_engine(flags["--program"], out, err);
  if (!engine) return 1;
  auto store = open_db(flags["--db"], err);
  if (!store) return 1;
  try {
    server::Progress progress(err, "loyalty audit", "members", store->member_count(), server::is_terminal(err));
    return server::audit(engine->program(), *store, out, err, &progress);
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
  if (!flags["--out"].empty()) {
    file.emplace(flags["--out"]);
    if (!file->is_open()) {
      err << "loyalty generate: cannot write " << flags["--out"] << "\n";
      return 1;
    }
  }
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
  // Members first counted (join lines), for the progress and its estimate of the time left.
  std::int64_t total = 0;
  for (std::string line; events.next(line);) total += line.find("\"event\"") == std::string::npos;
  events.rewind();

  const auto threads = whole_number("simulate", "--threads", flags["--threads"], err);
  if (!threads) return 2;
  if (*threads < 1 || *threads > 64) {
    err << "loyalty simulate: --threads must be 1 to 64\n";
    return 2;
  }
  const bool keep_moves = candidate && !flags["--csv"].empty();
  server::ParallelSimulation simulation(current->program(), candidate ? &candidate->program() : nullptr,
                                        static_cast<unsigned>(*threads), keep_moves);
  std::int64_t skipped = 0;
  std::vector<std::int64_t> skipped_lines;  // the first few, for the report
  std::optional<server::MemberEvents> member;
  {
    server::Progress progress(err, "loyalty simulate", "members", total, server::is_terminal(err));
    std::string line;
    for (std::int64_t number = 1; events.next(line); ++number) {
      if (server::Progress::stop_asked()) {
        err << "loyalty simulate: stopped by Ctrl-C after " << progress.done() << " of " << total
            << " members; nothing written\n";
        return 130;
      }
      if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
      std::string problem;
      auto item = parse_json(line);
      const auto find = [&](const Json& object, const char* key) -> const Json* {
        const auto it = object.find(key);
        return it == object.end() ? nullptr : &*it;
      };
      const Json* id = item.ok() && item.value().is_object() ? find(item.value(), "member_id") : nullptr;
      const Json* event = id ? find(item.value(), "event") : nullptr;
      const Json* joined = id ? find(item.value(), "joined_at") : nullptr;
      if (!item.ok()) {
        problem = item.errors()[0].message + " [" + item.errors()[0].code + "]";
      } else if (!id || !id->is_string()) {
        problem = "a line needs a member_id [field.missing]";
      } else if (event) {
        if (!member || id->get_ref<const std::string&>() != member->member_id) {
          problem = "an event outside its member's lines [simulate.member_order]";
        }
      } else if (!joined || !joined->is_number_integer()) {
        problem = "a join line needs joined_at, a time in ms [field.missing]";
      }
      // A join line is the member's first state: checked as the core reads one.
      std::optional<MonthDay> birthday;
      if (problem.empty() && !event) {
        Json first = {{"member_id", *id}, {"joined_at", *joined}};
        if (const Json* b = find(item.value(), "birthday")) first["birthday"] = *b;
        auto state = member_state_from_json(current->program(), first, "");
        if (state.ok()) birthday = state.value().birthday;
        else problem = state.errors()[0].path + ": " + state.errors()[0].message + " [" + state.errors()[0].code + "]";
      }
      if (!problem.empty()) {
        err << path << ":" << number << ": " << problem << "\n";
        if (flags["--bad-lines"] == "stop") return 1;
        skipped += 1;
        if (skipped_lines.size() < 20) skipped_lines.push_back(number);
        continue;
      }
      if (event) {
        member->events.push_back(*event);
        continue;
      }
      if (member) {
        simulation.add(std::move(*member));
        progress.step();
      }
      member = server::MemberEvents{id->get<std::string>(), joined->get<std::int64_t>(), birthday, {}};
    }
    if (member) {
      simulation.add(std::move(*member));
      progress.step();
    }
    progress.finish();
  }
  if (events.failed()) {
    err << "loyalty simulate: " << path << " cannot be read to its end (a damaged or cut-off file)\n";
    return 1;
  }
  Json report = simulation.finish();
  report["skipped_lines"] = {{"count", skipped}, {"first", skipped_lines}};
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
  if (!read_flags(rest, flags, {"--program", "--db"}, err)) return 2;
  auto engine = load_engine(flags["--program"], out, err);
  if (!engine) return 1;
  std::int64_t at = server::now_ms();
  if (!flags["--at"].empty()) {
    const auto given = whole_number("report", "--at", flags["--at"], err);
    if (!given) return 2;
    at = *given;
  }
  auto store = open_db(flags["--db"], err);
  if (!store) return 1;
  try {
    server::Progress progress(err, "loyalty report liability", "members", store->member_count(),
                              server::is_terminal(err));
    const Json report = server::liability_report(engine->program(), *store, at, &progress);
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

// Each member's history as `loyalty generate` writes one: its join line (the
// state it joined with) and the events applied to it, from the event log.
int export_history(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  std::map<std::string, std::string> flags = {{"--program", ""}, {"--db", ""}, {"--out", ""}};
  if (!read_flags(args, flags, {"--program", "--db"}, err)) return 2;
  auto engine = load_engine(flags["--program"], out, err);
  if (!engine) return 1;
  auto store = open_db(flags["--db"], err);
  if (!store) return 1;
  std::optional<server::LineWriter> file;
  if (!flags["--out"].empty()) {
    file.emplace(flags["--out"]);
    if (!file->is_open()) {
      err << "loyalty export: cannot write " << flags["--out"] << "\n";
      return 1;
    }
  }
  std::ostream& lines = file ? file->stream() : out;
  std::int64_t members = 0, events = 0, partial = 0, unreadable = 0;
  try {
    server::Progress progress(err, "loyalty export", "members", store->member_count(), server::is_terminal(err));
    store->for_each_member_history([&](const server::MemberRow& row, const std::vector<std::string>& batches) {
      if (server::Progress::stop_asked()) throw server::StoreError("stopped by Ctrl-C");
      progress.step();
      auto state = server::read_stored_state(engine->program(), row.state);
      if (!state.ok()) {
        ++unreadable;  // `loyalty audit` names them
        return;
      }
      ++members;
      std::vector<std::string> history;
      for (const std::string& batch : batches) {
        auto list = parse_json(batch);
        if (!list.ok() || !list.value().is_array()) throw server::StoreError(row.member_id + "'s event log does not read");
        for (const Json& event : list.value()) history.push_back(event.dump());
      }
      // Events applied before the store kept its log are not in it.
      if (static_cast<std::int64_t>(history.size()) < state.value().version) ++partial;
      Json join = {{"member_id", row.member_id}, {"joined_at", state.value().joined_at}};
      if (!row.inviter.empty()) join["inviter"] = row.inviter;
      if (const auto& b = state.value().birthday) {
        char text[8];
        std::snprintf(text, sizeof text, "%02d-%02d", b->month, b->day);
        join["birthday"] = text;
      }
      lines << join.dump() << '\n';
      for (const std::string& event : history) lines << "{\"member_id\":" << Json(row.member_id).dump() << ",\"event\":" << event << "}\n";
      events += static_cast<std::int64_t>(history.size());
    });
  } catch (const server::StoreError& e) {
    err << "loyalty export: " << e.what() << "; " << (file ? flags["--out"] + " is not whole" : std::string("the output is not whole")) << "\n";
    return server::Progress::stop_asked() ? 130 : 1;
  }
  lines.flush();
  if (!lines || (file && !file->close())) {
    err << "loyalty export: writing the history failed\n";
    return 1;
  }
  err << "exported " << members << " members, " << events << " events";
  if (partial) err << "; " << partial << " members' histories begin after their join (applied before the store kept its event log)";
  if (unreadable) err << "; " << unreadable << " members' states do not load and were left out (loyalty audit names them)";
  err << "\n";
  return 0;
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
  err << "loyalty: unknown command '" << args[0] << "'\n" << usage();
  return 2;
}

}  // namespace loyalty::cli
