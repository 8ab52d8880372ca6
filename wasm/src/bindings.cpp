// WebAssembly bindings: thin on purpose. The rules live in the core and the
// friendly API in js/api.js.
//
// Plain C exports only (`_loyalty_*`); no Embind: its generic invoker is
// slow without dynamic code, and its runtime and type registration were
// most of the glue and of the start-up before the first call.
//  - Text crosses as UTF-8 bytes written in place (loyalty_text); numbers as
//    numbers; carts as a Float64Array in wasm memory (loyalty_buffer).
//  - Answers are UTF-8 bytes in wasm memory (loyalty_answer, _answer_size),
//    valid until the next call; js/api.js decodes them at once.
//  - The stateless text API: loyalty_load, loyalty_check_program,
//    loyalty_call (an operation by its index in Engine::operations()).
//  - Member sessions: loyalty_member_* (handles to parsed states). Their
//    typed calls answer tapes (loyalty/answer_tape.hpp; js/tape.js reads
//    them), or false when the input or the answer needs the JSON path.
#include <emscripten/emscripten.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "loyalty/answer_tape.hpp"
#include "loyalty/engine.hpp"
#include "loyalty/json_codec.hpp"
#include "loyalty/queries.hpp"
#include "loyalty/state_snapshot.hpp"

namespace {

using loyalty::CartLine;
using loyalty::Engine;
using loyalty::MemberSession;

// What the module holds: the loaded programme and the open sessions. One
// module instance serves one core (js/api.js starts a module per core).
struct Host {
  std::shared_ptr<const Engine> engine;
  struct Member {
    std::shared_ptr<const Engine> engine;  // the programme it was opened under
    MemberSession session;
  };
  std::unordered_map<std::int32_t, Member> members;
  std::int32_t next_handle = 1;
  std::string answer;
  std::string text;               // UTF-8 input, written by JS in place
  std::vector<double> numbers;    // typed input and output
  std::vector<CartLine> lines;    // reused between calls: no allocation per tap
  loyalty::TapeStrings tape;      // the strings js/tape.js holds, in step with it
};

Host& host() {
  static Host h;
  return h;
}

std::string not_loaded() {
  return loyalty::error_envelope({{"program.not_loaded", "no programme is loaded", ""}});
}

// The request text the JS side wrote: its first `bytes` bytes.
std::string_view text_input(std::uint32_t bytes) {
  const Host& h = host();
  return std::string_view(h.text.data(), std::min<std::size_t>(bytes, h.text.size()));
}

// The operations' names, comma-separated, as the answer: their indexes are
// what the calls take.
void answer_names(const std::vector<std::string_view>& ops) {
  std::string names;
  for (std::string_view op : ops) names += (names.empty() ? "" : ",") + std::string(op);
  host().answer = std::move(names);
}

// A session on the state in the text buffer, as JSON or as a binary
// snapshot: its handle, or 0 with the error envelope as the answer.
std::int32_t open_member(std::uint32_t bytes, bool snapshot) {
  Host& h = host();
  if (!h.engine) {
    h.answer = not_loaded();
    return 0;
  }
  auto session = snapshot ? h.engine->open_member_snapshot(text_input(bytes)) : h.engine->open_member(text_input(bytes));
  if (!session.ok()) {
    h.answer = loyalty::error_envelope(session.errors());
    return 0;
  }
  const std::int32_t handle = h.next_handle++;
  h.members.emplace(handle, Host::Member{h.engine, std::move(session).value()});
  return handle;
}

Host::Member* find_member(std::int32_t handle) {
  auto it = host().members.find(handle);
  return it == host().members.end() ? nullptr : &it->second;
}

// Reads `count` cart lines of four numbers each (category index, SKU,
// unit price, quantity) from the number buffer. The SKU is its index in
// the programme, or -1 for any other SKU (enough to price it), or, with
// `sku_texts`, -1 - its length in UTF-8 bytes: the next that many bytes of
// the text buffer (an answer that echoes it). False if anything is not what
// the JSON reader would take; the caller then answers through the JSON
// path, which says exactly what is wrong.
bool read_typed_lines(const loyalty::Program& program, std::size_t count, bool sku_texts = false) {
  Host& h = host();
  if (count > loyalty::kMaxCartLines || h.numbers.size() < count * 4) return false;
  h.lines.resize(count);
  std::string_view texts(h.text);
  for (std::size_t i = 0; i < count; ++i) {
    const double* n = &h.numbers[i * 4];
    const auto integral = [](double v, double lo, double hi) { return v >= lo && v <= hi && std::floor(v) == v; };
    if (!integral(n[0], 0, static_cast<double>(program.categories.size()) - 1) ||
        !integral(n[1], sku_texts ? -1.0 - static_cast<double>(loyalty::kMaxSkuBytes) : -1, static_cast<double>(program.skus.size()) - 1) ||
        !integral(n[2], 0, static_cast<double>(loyalty::kMaxSafeInteger)) ||
        !integral(n[3], 1, static_cast<double>(loyalty::kMaxQuantity))) {
      return false;
    }
    CartLine& line = h.lines[i];
    line.category = static_cast<std::size_t>(n[0]);
    if (n[1] >= 0) {
      line.sku = program.skus[static_cast<std::size_t>(n[1])].id;
    } else if (n[1] == -1) {
      line.sku.clear();  // an SKU without a multiplier only needs not to match one
    } else {
      const auto bytes = static_cast<std::size_t>(-1 - n[1]);
      if (bytes > texts.size() || !loyalty::is_valid_utf8(texts.substr(0, bytes))) return false;
      line.sku.assign(texts.substr(0, bytes));
      texts.remove_prefix(bytes);
    }
    line.unit_price = static_cast<std::int64_t>(n[2]);
    line.quantity = static_cast<std::int64_t>(n[3]);
  }
  return true;
}

bool valid_time(double at) { return at >= 0 && at <= static_cast<double>(loyalty::kMaxTimeMs) && std::floor(at) == at; }

}  // namespace

extern "C" {

// A buffer of at least `count` doubles for typed input and output.
EMSCRIPTEN_KEEPALIVE double* loyalty_buffer(std::uint32_t count) {
  Host& h = host();
  if (h.numbers.size() < count) h.numbers.resize(count);
  return h.numbers.data();
}

// A buffer of `bytes` bytes for UTF-8 input.
EMSCRIPTEN_KEEPALIVE char* loyalty_text(std::uint32_t bytes) {
  Host& h = host();
  h.text.resize(bytes);
  return h.text.data();
}

EMSCRIPTEN_KEEPALIVE const char* loyalty_answer() { return host().answer.data(); }
EMSCRIPTEN_KEEPALIVE std::uint32_t loyalty_answer_size() { return static_cast<std::uint32_t>(host().answer.size()); }

// Loads the programme in the text buffer. True, or false with the error
// envelope as the answer; the programme's summary is asked for apart
// (loyalty_program), as a page may never need it.
EMSCRIPTEN_KEEPALIVE bool loyalty_load(std::uint32_t bytes) {
  Host& h = host();
  auto engine = Engine::load(text_input(bytes));
  if (!engine.ok()) {
    h.answer = loyalty::error_envelope(engine.errors());
    return false;
  }
  h.engine = std::make_shared<const Engine>(std::move(engine).value());
  return true;
}

// The loaded programme, normalised, as an envelope.
EMSCRIPTEN_KEEPALIVE void loyalty_program() {
  Host& h = host();
  h.answer = h.engine ? h.engine->program_summary() : not_loaded();
}

EMSCRIPTEN_KEEPALIVE void loyalty_check_program(std::uint32_t bytes) {
  host().answer = Engine::check_program(text_input(bytes));
}

// The stateless operations' names (Engine::operations()), as the answer.
EMSCRIPTEN_KEEPALIVE void loyalty_operations() { answer_names(Engine::operations()); }

// A stateless operation by index on the request in the text buffer; the
// envelope is the answer.
EMSCRIPTEN_KEEPALIVE void loyalty_call(std::uint32_t op, std::uint32_t bytes) {
  Host& h = host();
  const auto& ops = Engine::operations();
  if (!h.engine) h.answer = not_loaded();
  else if (op >= ops.size()) h.answer = loyalty::error_envelope({{"request.unknown_op", "unknown operation", "op"}});
  else h.answer = h.engine->call(ops[op], text_input(bytes));
}

// Opens a session on the state snapshot in the text buffer (its first
// `bytes` bytes): a handle, or 0 with the error envelope as the answer.
EMSCRIPTEN_KEEPALIVE std::int32_t loyalty_member_open(std::uint32_t bytes) { return open_member(bytes, false); }

// The same from the state's binary snapshot (state_snapshot.hpp) in the buffer.
EMSCRIPTEN_KEEPALIVE std::int32_t loyalty_member_open_snapshot(std::uint32_t bytes) { return open_member(bytes, true); }

// The held state's binary snapshot as the answer; false for an unknown handle.
EMSCRIPTEN_KEEPALIVE bool loyalty_member_snapshot(std::int32_t handle) {
  Host::Member* member = find_member(handle);
  if (!member) return false;
  host().answer = loyalty::state_snapshot(member->session.program(), member->session.state());
  return true;
}

EMSCRIPTEN_KEEPALIVE void loyalty_member_close(std::int32_t handle) { host().members.erase(handle); }

// The member operations' names, comma-separated, as the answer: their
// indexes are what loyalty_member_call takes.
EMSCRIPTEN_KEEPALIVE void loyalty_member_operations() { answer_names(Engine::member_operations()); }

EMSCRIPTEN_KEEPALIVE std::uint32_t loyalty_member_count() { return static_cast<std::uint32_t>(host().members.size()); }

// A member operation (Engine::member_operations()[op]) on the request in
// the text buffer; the envelope is the answer. False for an unknown handle.
EMSCRIPTEN_KEEPALIVE bool loyalty_member_call(std::int32_t handle, std::uint32_t op, std::uint32_t bytes) {
  Host& h = host();
  Host::Member* member = find_member(handle);
  const auto& ops = Engine::member_operations();
  if (!member || op >= ops.size()) return false;
  h.answer = member->engine->call(member->session, ops[op], text_input(bytes));
  return true;
}

// A member operation whose request is only {"at"}, with the time as a
// number (Engine::call(member, op, at)); false as loyalty_member_call.
EMSCRIPTEN_KEEPALIVE bool loyalty_member_query(std::int32_t handle, std::uint32_t op, double at) {
  Host& h = host();
  Host::Member* member = find_member(handle);
  const auto& ops = Engine::member_operations();
  if (!member || op >= ops.size() || !valid_time(at)) return false;
  h.answer = member->engine->call(member->session, ops[op], static_cast<loyalty::TimeMs>(at));
  return true;
}

// Until when tier_progress answers as it does at `at` (UTC ms); -1 on an error.
EMSCRIPTEN_KEEPALIVE double loyalty_member_progress_until(std::int32_t handle, double at) {
  Host::Member* member = find_member(handle);
  if (!member || !valid_time(at)) return -1;
  auto until = member->session.tier_progress_until(static_cast<loyalty::TimeMs>(at));
  return until.ok() ? static_cast<double>(until.value()) : -1;
}

// preview_order on `count` typed lines, their SKUs' text in the text buffer
// (read_typed_lines), answered as a tape. False when the input or the
// answer needs the JSON path (which says what is wrong).
EMSCRIPTEN_KEEPALIVE bool loyalty_member_preview(std::int32_t handle, std::uint32_t count, double at) {
  Host& h = host();
  Host::Member* member = find_member(handle);
  if (!member || !valid_time(at) || !read_typed_lines(member->session.program(), count, true)) return false;
  loyalty::Cart cart;
  cart.lines.swap(h.lines);
  auto preview = member->session.preview_order(cart, static_cast<loyalty::TimeMs>(at));
  cart.lines.swap(h.lines);
  if (!preview.ok()) return false;
  h.answer = loyalty::preview_json(member->session.program(), preview.value(), &h.tape);
  return true;
}

// A member operation whose request is only the time, answered as a tape:
// tier_progress, points_summary (the default horizon) or lifecycle, by its
// index as loyalty_member_call takes it. False for any other operation, or
// when the answer needs the JSON path.
EMSCRIPTEN_KEEPALIVE bool loyalty_member_query_tape(std::int32_t handle, std::uint32_t op, double at) {
  Host& h = host();
  Host::Member* member = find_member(handle);
  const auto& ops = Engine::member_operations();
  if (!member || op >= ops.size() || !valid_time(at)) return false;
  const MemberSession& session = member->session;
  const auto time = static_cast<loyalty::TimeMs>(at);
  if (ops[op] == "tier_progress") {
    auto progress = session.tier_progress(time);
    if (!progress.ok()) return false;
    h.answer = loyalty::progress_json(session.program(), progress.value(), &h.tape);
  } else if (ops[op] == "points_summary") {
    auto summary = session.points_summary(time, loyalty::kDefaultHorizonDays);
    if (!summary.ok()) return false;
    h.answer = loyalty::points_summary_json(summary.value(), &h.tape);
  } else if (ops[op] == "lifecycle") {
    h.answer = loyalty::lifecycle_json(session.lifecycle(time), &h.tape);
  } else {
    return false;
  }
  return true;
}

// The decoder lost step with the module's strings: both sides forget them.
EMSCRIPTEN_KEEPALIVE void loyalty_tape_reset() { host().tape.clear(); }

// What a cart of `count` typed lines earns at `at` (preview_order's
// "points"); -1 when the input or the answer needs the JSON path (an error).
EMSCRIPTEN_KEEPALIVE double loyalty_member_points(std::int32_t handle, std::uint32_t count, double at) {
  Host::Member* member = find_member(handle);
  if (!member || !valid_time(at) || !read_typed_lines(member->session.program(), count)) return -1;
  auto points = member->session.points(host().lines.data(), count, static_cast<loyalty::TimeMs>(at));
  return points.ok() ? static_cast<double>(points.value()) : -1;
}

// Each typed line's points on its own (preview_listing), written over the
// buffer's first `count` numbers; answers the tier's index, or -1 as above.
EMSCRIPTEN_KEEPALIVE std::int32_t loyalty_member_listing(std::int32_t handle, std::uint32_t count, double at) {
  Host& h = host();
  Host::Member* member = find_member(handle);
  if (!member || !valid_time(at) || !read_typed_lines(member->session.program(), count)) return -1;
  loyalty::Cart products;
  products.lines.swap(h.lines);
  auto listing = member->session.preview_listing(products, static_cast<loyalty::TimeMs>(at));
  products.lines.swap(h.lines);
  if (!listing.ok()) return -1;
  for (std::size_t i = 0; i < count; ++i) h.numbers[i] = static_cast<double>(listing.value().points[i]);
  return static_cast<std::int32_t>(listing.value().tier);
}

}  // extern "C"
