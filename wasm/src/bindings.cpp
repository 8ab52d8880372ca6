// WebAssembly bindings: thin on purpose. The rules live in the core and the
// friendly API in js/api.js.
//
// Two kinds of entry:
//  - Embind's Core class (`_load`, `_call`, `_checkProgram`): the stateless
//    text API, JSON text in, envelope text out.
//  - Plain C exports (`_loyalty_*`) for member sessions. They are what a
//    storefront calls on every tap, so they avoid Embind's generic invoker
//    (slow without dynamic code) and strings: numbers cross as numbers,
//    carts as a Float64Array in wasm memory (loyalty_buffer), text as UTF-8
//    bytes written in place (loyalty_text).
//
// Answers cross as a view of the UTF-8 bytes in wasm memory, valid until the
// next call; js/api.js decodes it at once with TextDecoder. (Embind's own
// std::string return walks the bytes one by one in JS: several times slower.)
#include <emscripten/bind.h>
#include <emscripten/emscripten.h>

#include <cmath>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "loyalty/engine.hpp"

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
};

Host& host() {
  static Host h;
  return h;
}

emscripten::val answer_view(std::string text) {
  Host& h = host();
  h.answer = std::move(text);
  return emscripten::val(emscripten::typed_memory_view(h.answer.size(), reinterpret_cast<const std::uint8_t*>(h.answer.data())));
}

std::string not_loaded() {
  return loyalty::error_envelope({{"program.not_loaded", "no programme is loaded", ""}});
}

// The stateless text API.
class Core {
 public:
  emscripten::val load(const std::string& program_json) {
    auto engine = Engine::load(program_json);
    if (!engine.ok()) return answer_view(loyalty::error_envelope(engine.errors()));
    host().engine = std::make_shared<const Engine>(std::move(engine).value());
    return answer_view(host().engine->program_summary());
  }

  // Any engine operation by name (loyalty::Engine::operations()).
  emscripten::val call(const std::string& op, const std::string& request) {
    return answer_view(host().engine ? host().engine->call(op, request) : not_loaded());
  }

  emscripten::val check_program(const std::string& program_json) {
    return answer_view(Engine::check_program(program_json));
  }
};

Host::Member* find_member(std::int32_t handle) {
  auto it = host().members.find(handle);
  return it == host().members.end() ? nullptr : &it->second;
}

// Reads `count` cart lines of four numbers each (category index, SKU index
// or -1, unit price, quantity) from the number buffer. False if any number
// is not what the JSON reader would take; the caller then answers through
// the JSON path, which says exactly what is wrong.
bool read_typed_lines(const loyalty::Program& program, std::size_t count) {
  Host& h = host();
  if (count > loyalty::kMaxCartLines || h.numbers.size() < count * 4) return false;
  h.lines.resize(count);
  for (std::size_t i = 0; i < count; ++i) {
    const double* n = &h.numbers[i * 4];
    const auto integral = [](double v, double lo, double hi) { return v >= lo && v <= hi && std::floor(v) == v; };
    if (!integral(n[0], 0, static_cast<double>(program.categories.size()) - 1) ||
        !integral(n[1], -1, static_cast<double>(program.skus.size()) - 1) ||
        !integral(n[2], 0, static_cast<double>(loyalty::kMaxSafeInteger)) ||
        !integral(n[3], 1, static_cast<double>(loyalty::kMaxQuantity))) {
      return false;
    }
    CartLine& line = h.lines[i];
    line.category = static_cast<std::size_t>(n[0]);
    // An SKU without a multiplier only needs not to match one.
    if (n[1] >= 0) line.sku = program.skus[static_cast<std::size_t>(n[1])].id;
    else line.sku.clear();
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

// Opens a session on the state snapshot in the text buffer (its first
// `bytes` bytes): a handle, or 0 with the error envelope as the answer.
EMSCRIPTEN_KEEPALIVE std::int32_t loyalty_member_open(std::uint32_t bytes) {
  Host& h = host();
  if (!h.engine) {
    h.answer = not_loaded();
    return 0;
  }
  auto session = h.engine->open_member(std::string_view(h.text.data(), std::min<std::size_t>(bytes, h.text.size())));
  if (!session.ok()) {
    h.answer = loyalty::error_envelope(session.errors());
    return 0;
  }
  const std::int32_t handle = h.next_handle++;
  h.members.emplace(handle, Host::Member{h.engine, std::move(session).value()});
  return handle;
}

EMSCRIPTEN_KEEPALIVE void loyalty_member_close(std::int32_t handle) { host().members.erase(handle); }

// The member operations' names, comma-separated, as the answer: their
// indexes are what loyalty_member_call takes.
EMSCRIPTEN_KEEPALIVE void loyalty_member_operations() {
  std::string names;
  for (std::string_view op : Engine::member_operations()) names += (names.empty() ? "" : ",") + std::string(op);
  host().answer = std::move(names);
}

EMSCRIPTEN_KEEPALIVE std::uint32_t loyalty_member_count() { return static_cast<std::uint32_t>(host().members.size()); }

// A member operation (Engine::member_operations()[op]) on the request in
// the text buffer; the envelope is the answer. False for an unknown handle.
EMSCRIPTEN_KEEPALIVE bool loyalty_member_call(std::int32_t handle, std::uint32_t op, std::uint32_t bytes) {
  Host& h = host();
  Host::Member* member = find_member(handle);
  const auto& ops = Engine::member_operations();
  if (!member || op >= ops.size()) return false;
  h.answer = member->engine->call(member->session, ops[op],
                                  std::string_view(h.text.data(), std::min<std::size_t>(bytes, h.text.size())));
  return true;
}

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

EMSCRIPTEN_BINDINGS(loyalty_core) {
  emscripten::class_<Core>("Core")
      .constructor<>()
      .function("_load", &Core::load)
      .function("_call", &Core::call)
      .function("_checkProgram", &Core::check_program);
}
