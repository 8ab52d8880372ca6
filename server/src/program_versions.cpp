#include "program_versions.hpp"

#include <algorithm>
#include <cstdio>

#include "loyalty/json_codec.hpp"
#include "loyalty/sha256.hpp"
#include "program_change.hpp"

namespace loyalty::server {

Errors under_program(Errors errors) {
  for (Error& e : errors) e.path = e.path.empty() ? "program" : "program." + e.path;
  return errors;
}

Result<HeldVersion> ProgramVersions::parse(const ProgramRow& row) {
  auto engine = Engine::load(row.program);
  if (!engine.ok()) return engine.errors();
  auto held = std::make_shared<ProgramVersion>(std::move(engine).value(), row.effective_at);
  held->text = program_json(held->program());
  // The version and a fingerprint of its rules: a client's copy is current
  // while it matches, whichever server answers.
  held->etag = "\"" + held->program().id + "-" + std::to_string(held->version()) + "-" +
               to_hex(sha256(held->text)).substr(0, 16) + "\"";
  return HeldVersion(std::move(held));
}

Result<std::unique_ptr<ProgramVersions>> ProgramVersions::open(Store& store, std::string_view file_text, TimeMs now) {
  auto file = Engine::load(file_text);
  if (!file.ok()) return file.errors();
  std::unique_ptr<ProgramVersions> versions(new ProgramVersions(store));
  versions->refresh(true);
  const Program& wanted = file.value().program();
  const std::string text = program_json(wanted);
  std::lock_guard<std::mutex> lock(versions->mutex_);
  for (const HeldVersion& v : versions->versions_) {
    if (v->version() != wanted.version) continue;
    if (v->text == text) return versions;
    return Errors{{"program.version_published",
                   "version " + std::to_string(wanted.version) +
                       " is published already with other rules: give the changed rules a new version",
                   "version"}};
  }
  if (!versions->versions_.empty()) {
    const HeldVersion& newest = versions->versions_.back();
    if (wanted.version < newest->version()) {
      return Errors{{"program.version_not_newer",
                     "the store has version " + std::to_string(newest->version()) + ", newer than this file's " +
                         std::to_string(wanted.version) + ": start with the newest rules",
                     "version"}};
    }
    Errors conflicts = version_conflicts(newest->program(), wanted);
    if (!conflicts.empty()) return conflicts;
  }
  // The first version is in force from the start: every member ever applied was applied under it.
  const ProgramRow row{wanted.version, versions->versions_.empty() ? 0 : std::max(now, versions->versions_.back()->effective_at),
                       text, now};
  store.publish_program(row);
  auto held = parse(row);
  if (!held.ok()) return held.errors();
  versions->versions_.push_back(std::move(held).value());
  return versions;
}

std::unique_ptr<ProgramVersions> ProgramVersions::stored(Store& store) {
  std::unique_ptr<ProgramVersions> versions(new ProgramVersions(store));
  versions->refresh(true);
  if (versions->versions_.empty()) return nullptr;
  return versions;
}

void ProgramVersions::refresh(bool now) {
  {
    const auto checked = std::chrono::steady_clock::now();
    std::lock_guard<std::mutex> lock(mutex_);
    if (!now && checked - refreshed_at_ < std::chrono::seconds(1)) return;
    refreshed_at_ = checked;
  }
  const std::int64_t after = [&] {
    std::lock_guard<std::mutex> lock(mutex_);
    return versions_.empty() ? std::int64_t{0} : versions_.back()->version();
  }();
  std::vector<HeldVersion> found;
  for (const ProgramRow& row : store_.programs(after)) {
    auto held = parse(row);
    // Only a programme the core read is ever stored; one this binary cannot
    // read (a newer core's) is left, and the version before stays in force.
    if (!held.ok()) break;
    found.push_back(std::move(held).value());
  }
  std::lock_guard<std::mutex> lock(mutex_);
  for (HeldVersion& v : found) {
    if (versions_.empty() || v->version() > versions_.back()->version()) versions_.push_back(std::move(v));
  }
}

HeldVersion ProgramVersions::in_force(TimeMs at) {
  refresh(false);
  std::lock_guard<std::mutex> lock(mutex_);
  auto after = std::upper_bound(versions_.begin(), versions_.end(), at,
                                [](TimeMs t, const HeldVersion& v) { return t < v->effective_at; });
  return after == versions_.begin() ? versions_.front() : *std::prev(after);
}

HeldVersion ProgramVersions::version(std::int64_t number) {
  for (int attempt = 0; attempt < 2; ++attempt) {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      if (number == 0) return versions_.front();
      for (const HeldVersion& v : versions_) {
        if (v->version() == number) return v;
      }
    }
    refresh(true);  // another server published it
  }
  return nullptr;
}

std::vector<HeldVersion> ProgramVersions::all() {
  std::lock_guard<std::mutex> lock(mutex_);
  return versions_;
}

Result<HeldVersion> ProgramVersions::publish(std::string_view program_text, TimeMs effective_at, TimeMs now) {
  if (effective_at < now) {
    return Errors{{"program.effective_in_past", "a version takes effect now or later: what was applied stays applied",
                   "effective_at"}};
  }
  auto engine = Engine::load(program_text);
  if (!engine.ok()) return under_program(engine.errors());
  refresh(true);
  const HeldVersion newest = [&] {
    std::lock_guard<std::mutex> lock(mutex_);
    return versions_.back();
  }();
  const Program& wanted = engine.value().program();
  Errors conflicts = under_program(version_conflicts(newest->program(), wanted));
  if (effective_at < newest->effective_at) {
    conflicts.push_back({"program.effective_before_newest",
                         "version " + std::to_string(newest->version()) + " takes effect later; a newer version cannot take effect before it",
                         "effective_at"});
  }
  if (!conflicts.empty()) return conflicts;
  const ProgramRow row{wanted.version, effective_at, program_json(wanted), now};
  if (!store_.publish_program(row)) {
    return Errors{{"program.version_not_newer", "version " + std::to_string(wanted.version) + " was published meanwhile",
                   "program.version"}};
  }
  auto held = parse(row);
  if (!held.ok()) return held.errors();
  std::lock_guard<std::mutex> lock(mutex_);
  if (versions_.back()->version() < wanted.version) versions_.push_back(held.value());
  return held;
}

}  // namespace loyalty::server
