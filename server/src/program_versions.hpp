// The programme's published versions, as the server applies them: each
// version from the moment it takes effect until the next one does. The
// versions live in the store, so that every server on a shared store
// applies the same ones; each server holds them parsed and looks for new
// ones at most once a second, and at once when a member's state names a
// version it has not seen.
//
// A version is published with the moment it takes effect, never in the
// past (what was applied stays applied), and only when it can read every
// state the version before wrote: tiers and categories it drops are mapped
// by its `migrate` (program_change.hpp checks it).
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "loyalty/engine.hpp"
#include "loyalty/error.hpp"
#include "loyalty/local_time.hpp"
#include "store.hpp"

namespace loyalty::server {

struct ProgramVersion {
  ProgramVersion(Engine e, TimeMs effective) : engine(std::move(e)), effective_at(effective) {}
  Engine engine;
  TimeMs effective_at = 0;
  std::string text;  // program_json(): what is stored and what GET /v1/program answers inside "program"
  std::string etag;
  const Program& program() const { return engine.program(); }
  std::int64_t version() const { return engine.program().version; }
};

using HeldVersion = std::shared_ptr<const ProgramVersion>;

// A programme's own errors with their paths under "program" (the field of
// the request that carried it).
Errors under_program(Errors errors);

class ProgramVersions {
 public:
  // Reads the store's versions and brings `file_text` (the programme the
  // server was started with) in: published in force from the start when the
  // store has none, published in force from `now` when its version is newer
  // than every stored one, taken as it is when it is stored already. A file
  // whose version is stored with other rules, or that is older than the
  // newest stored version, is refused with what to do.
  static Result<std::unique_ptr<ProgramVersions>> open(Store& store, std::string_view file_text, TimeMs now);
  // The store's versions as they are, for the operators' commands: nothing
  // published; nullptr when the store holds none (one written before
  // versions were kept).
  static std::unique_ptr<ProgramVersions> stored(Store& store);

  // The version in force at `at`.
  HeldVersion in_force(TimeMs at);
  // A version by number (0: the first), loaded from the store if another
  // server published it; nullptr if there is no such version.
  HeldVersion version(std::int64_t number);
  // Every version held, oldest first.
  std::vector<HeldVersion> all();

  // Publishes a programme (its JSON text) to take effect at `effective_at`
  // (>= now). Errors carry their path under "program" for the programme's
  // own problems; "program.version_not_newer" and "program.other_id" are
  // conflicts with what is published.
  Result<HeldVersion> publish(std::string_view program_text, TimeMs effective_at, TimeMs now);

 private:
  explicit ProgramVersions(Store& store) : store_(store) {}
  // New versions from the store: at most once a second (by this process's
  // own steady clock, whatever times the events carry) unless `now`.
  void refresh(bool now);
  static Result<HeldVersion> parse(const ProgramRow& row);

  Store& store_;
  std::mutex mutex_;
  std::vector<HeldVersion> versions_;  // ascending in version and in effective_at
  std::chrono::steady_clock::time_point refreshed_at_{};
};

}  // namespace loyalty::server
