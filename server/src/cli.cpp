#include "cli.hpp"

#include <fstream>
#include <iostream>
#include <optional>
#include <sstream>

#include "loyalty/engine.hpp"
#include "loyalty/json_codec.hpp"

namespace loyalty::cli {

namespace {

constexpr const char* kUsage =
    "usage:\n"
    "  loyalty serve --program PROGRAM.json [--listen 127.0.0.1:8080] [--static DIR] [--package DIR]\n"
    "      serve the programme (GET /v1/program), the JS package at /pkg/ and DIR at /\n"
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
int print_envelope(const std::string& envelope, std::ostream& out, std::ostream& err) {
  auto parsed = parse_json(envelope);
  const Json& j = parsed.value();
  if (j.at("ok").get<bool>()) {
    out << j.at("value").dump(2) << "\n";
    return 0;
  }
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

}  // namespace

int run(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  if (args.empty() || args[0] == "--help" || args[0] == "help") {
    (args.empty() ? err : out) << usage();
    return args.empty() ? 2 : 0;
  }
  if (args[0] == "check") return check(args, out, err);
  if (args[0] == "query" || args[0] == "preview") return query(args, out, err);
  err << "loyalty: unknown command '" << args[0] << "'\n" << usage();
  return 2;
}

}  // namespace loyalty::cli
