// What the `loyalty` commands share: the usage text, flags, reading the
// programme and opening the store, printing answers. cli.cpp holds the
// commands on one member's data and the server's store; history_commands.cpp
// those on every member's history (generate, simulate, export, report).
#pragma once

#include <cstdint>
#include <initializer_list>
#include <map>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "loyalty/engine.hpp"
#include "loyalty/json_codec.hpp"
#include "program_versions.hpp"
#include "store.hpp"

namespace loyalty::cli {

std::string usage();
// A file's text ("-": standard input), or nullopt with a message on `err`.
std::optional<std::string> read_text(const std::string& path, std::ostream& err);
int print_value(const Json& value, std::ostream& out);
int print_envelope(const std::string& envelope, std::ostream& out, std::ostream& err);
// --flag value pairs into `flags` (which names the ones allowed); false, with a usage message, on anything else.
bool read_flags(const std::vector<std::string>& args, std::map<std::string, std::string>& flags,
                std::initializer_list<const char*> required, std::ostream& err);
std::optional<Engine> load_engine(const std::string& path, std::ostream& out, std::ostream& err);
std::unique_ptr<server::Store> open_db(const std::string& url, std::ostream& err);

// The rules a command on the store reads its members with. A store that
// holds programme versions gives them (each member under the version its
// state was written with, a report under the version in force at its
// moment), and a --program file given as well is not used, which is said;
// a store that holds none (written before versions were kept) needs the file.
class StorePrograms {
 public:
  static std::optional<StorePrograms> open(const std::string& command, const std::string& program_path,
                                           server::Store& store, std::ostream& out, std::ostream& err);
  // nullptr: the member's state names a version the store does not hold.
  const Program* of(const server::MemberRow& member);
  const Program* of_version(std::int64_t program_version);
  const Program& in_force(TimeMs at);

 private:
  std::unique_ptr<server::ProgramVersions> versions_;
  std::optional<Engine> file_;
};
std::optional<std::int64_t> whole_number(const char* command, const std::string& flag, const std::string& text,
                                         std::ostream& err);

// history_commands.cpp
int generate(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);
int simulate(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);
int export_history(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);
int report(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

// operator_commands.cpp
int operator_command(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);
int audit_operators(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

}  // namespace loyalty::cli
