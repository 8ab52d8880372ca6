// `loyalty operator add|list` and `loyalty audit operators`: the console's
// accounts are made on the server's machine (no one can sign in before the
// first exists), and its audit log is readable without the console.
#include <cstdlib>
#include <iostream>

#include "api_routes.hpp"
#include "cli_support.hpp"
#include "operators.hpp"

namespace loyalty::cli {

namespace {

// The password from LOYALTY_OPERATOR_PASSWORD, else the first line of
// standard input (so that it is in neither the command line nor the history).
std::string read_password() {
  if (const char* given = std::getenv("LOYALTY_OPERATOR_PASSWORD"); given && *given) return given;
  std::string line;
  std::getline(std::cin, line);
  if (!line.empty() && line.back() == '\r') line.pop_back();
  return line;
}

int add_operator(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  std::map<std::string, std::string> flags = {{"--db", ""}, {"--name", ""}, {"--role", ""}};
  if (!read_flags(args, flags, {"--db", "--name", "--role"}, err)) return 2;
  const std::string& name = flags["--name"];
  if (!server::valid_operator_name(name)) {
    err << "loyalty operator add: --name is 1 to 64 letters, digits or _.:@-\n";
    return 2;
  }
  if (!server::is_operator_role(flags["--role"])) {
    err << "loyalty operator add: --role is viewer, service, editor or publisher\n";
    return 2;
  }
  const std::string password = read_password();
  if (const std::string problem = server::password_problem(password); !problem.empty()) {
    err << "loyalty operator add: " << problem << " (LOYALTY_OPERATOR_PASSWORD or the first line of stdin)\n";
    return 2;
  }
  auto store = open_db(flags["--db"], err);
  if (!store) return 1;
  try {
    const bool existed = store->find_operator(name).has_value();
    server::OperatorRow row;
    row.name = name;
    row.password_hash = server::hash_password(password);
    row.role = flags["--role"];
    row.created_at = server::now_ms();
    store->save_operator(row);
    server::OperatorDesk(*store).record("cli", existed ? "operator_changed" : "operator_added", name, "null",
                                        Json{{"role", row.role}}.dump(), row.created_at);
    out << (existed ? "changed" : "added") << " operator " << name << " (" << row.role << ")\n";
    return 0;
  } catch (const server::StoreError& e) {
    err << "loyalty operator add: " << e.what() << "\n";
    return 1;
  }
}

int list_operators(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  std::map<std::string, std::string> flags = {{"--db", ""}};
  if (!read_flags(args, flags, {"--db"}, err)) return 2;
  auto store = open_db(flags["--db"], err);
  if (!store) return 1;
  try {
    Json list = Json::array();
    for (const server::OperatorRow& row : store->operators()) {
      list.push_back({{"name", row.name}, {"role", row.role}, {"created_at", row.created_at},
                      {"locked_until", row.locked_until}});
    }
    return print_value(list, out);
  } catch (const server::StoreError& e) {
    err << "loyalty operator list: " << e.what() << "\n";
    return 1;
  }
}

}  // namespace

int operator_command(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  const std::string what = args.size() > 1 ? args[1] : "";
  const std::vector<std::string> rest(args.begin() + (args.size() > 1 ? 1 : 0), args.end());
  if (what == "add") return add_operator(rest, out, err);
  if (what == "list") return list_operators(rest, out, err);
  err << "loyalty operator: add or list\n" << usage();
  return 2;
}

int audit_operators(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  std::map<std::string, std::string> flags = {{"--db", ""}, {"--after", "0"}, {"--limit", "1000"}};
  if (!read_flags(args, flags, {"--db"}, err)) return 2;
  const auto after = whole_number("audit", "--after", flags["--after"], err);
  const auto limit = whole_number("audit", "--limit", flags["--limit"], err);
  if (!after || !limit) return 2;
  auto store = open_db(flags["--db"], err);
  if (!store) return 1;
  try {
    // One JSON object a line, oldest first, as the console's audit page lists them.
    for (const server::OperatorAuditRow& row : store->operator_audit(*after, *limit)) {
      out << server::audit_row_json(row) << "\n";
    }
    return 0;
  } catch (const server::StoreError& e) {
    err << "loyalty audit operators: " << e.what() << "\n";
    return 1;
  }
}

}  // namespace loyalty::cli
