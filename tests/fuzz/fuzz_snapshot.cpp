// The binary state snapshot on any bytes; the first byte picks the mode.
//  - 2 or 6 (mod 8): the rest, after a packed header ("LCZ" or "LCO",
//    packed_snapshot.hpp), is read as a packed snapshot: an error with a
//    code and a path, or a state that the JSON reader takes too;
//  - other even: the rest, after the snapshot header, is read as a snapshot: an
//    error with a code and a path, or a state that the JSON reader takes
//    too and that writes back to the very same bytes (but for a recall
//    offer the programme does not have, which is forgotten);
//  - odd: the rest is tried as a JSON state (the seed corpus holds the
//    vectors' states): one that reads must round-trip through bytes exactly.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <optional>

#include "fuzz_support.hpp"
#include "loyalty/engine.hpp"
#include "loyalty/json_codec.hpp"
#include "loyalty/packed_snapshot.hpp"
#include "loyalty/state_snapshot.hpp"

namespace {
std::optional<loyalty::Engine> engine;

[[noreturn]] void finding(const char* what, const std::string& detail) {
  std::fprintf(stderr, "%s\n%s\n", what, detail.c_str());
  std::abort();
}

// A recall offer the programme does not have reads as none, so the bytes
// write back with that one optional part absent: `out` is `in` with a
// present optional (flag 1, then its value) written as absent (flag 0).
bool only_a_forgotten_offer(const std::string& in, const std::string& out, const loyalty::MemberState& state) {
  if (state.recall || out.size() >= in.size()) return false;
  std::size_t prefix = 0;
  while (prefix < out.size() && in[prefix] == out[prefix]) ++prefix;
  if (prefix == out.size() || out[prefix] != '\0' || in[prefix] != '\1') return false;
  std::size_t suffix = 0;
  while (suffix + prefix + 1 < out.size() && in[in.size() - 1 - suffix] == out[out.size() - 1 - suffix]) ++suffix;
  return prefix + 1 + suffix == out.size();
}
}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  engine.emplace(std::move(loyalty::Engine::load(loyalty::fuzz::bakery())).value());
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace loyalty;
  const Program& program = engine->program();
  if (size == 0) return 0;
  const std::string_view rest(reinterpret_cast<const char*>(data + 1), size - 1);
  if (data[0] % 4 == 2) {
    const std::string input = std::string(data[0] % 8 == 2 ? kPackedWhole : kPackedOrdersApart) + std::string(rest);
    auto state = member_state_from_snapshot(program, input);
    if (!state.ok()) {
      if (state.errors()[0].code.empty() || state.errors()[0].path.empty()) finding("an error without a code or path", "");
      return 0;
    }
    auto parsed = parse_json(state_json(program, state.value()));
    if (!parsed.ok() || !member_state_from_json(program, parsed.value(), "state").ok()) {
      finding("packed bytes let in a state the JSON reader refuses:", state_json(program, state.value()));
    }
    return 0;
  }
  if (data[0] % 2 == 0) {
    const std::string input = std::string("LCS") + static_cast<char>(kSnapshotVersion) + std::string(rest);
    auto state = member_state_from_snapshot(program, input);
    // The head alone (an export's read) reads whatever the whole does, and the same join.
    auto joined = member_join_from_snapshot(program, input);
    if (!state.ok()) {
      if (state.errors()[0].code.empty() || state.errors()[0].path.empty()) finding("an error without a code or path", "");
      return 0;
    }
    if (!joined.ok() || joined.value().joined_at != state.value().joined_at ||
        joined.value().birthday.has_value() != state.value().birthday.has_value()) {
      finding("a snapshot's join read alone differs from the whole state's", "");
    }
    const std::string json = state_json(program, state.value());
    auto parsed = parse_json(json);
    if (!parsed.ok() || !member_state_from_json(program, parsed.value(), "state").ok()) {
      finding("bytes let in a state the JSON reader refuses:", json);
    }
    const std::string written = state_snapshot(program, state.value());
    if (written != input && !only_a_forgotten_offer(input, written, state.value())) {
      finding("a snapshot that does not write back to itself", json);
    }
    return 0;
  }
  auto parsed = parse_json(rest);
  if (!parsed.ok()) return 0;
  auto state = member_state_from_json(program, parsed.value(), "state");
  if (!state.ok()) return 0;
  auto back = member_state_from_snapshot(program, state_snapshot(program, state.value()));
  if (!back.ok()) finding("a state JSON takes does not read back from its snapshot:", back.errors()[0].code + " at " + back.errors()[0].path);
  if (state_json(program, back.value()) != state_json(program, state.value())) {
    finding("a state changed through its snapshot:", state_json(program, state.value()));
  }
  return 0;
}
