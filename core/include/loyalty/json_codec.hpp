// The JSON edge of the core: text in, plain structs inside, JSON out.
//
// Input rules, the same for every document:
//  - integers only where numbers are expected (1.0, 1e3, NaN are rejected),
//    within +-(2^53 - 1);
//  - unknown fields are rejected ("field.unknown"): in a programme a typo
//    such as "multiplier_bps" would otherwise silently pay the wrong points;
//  - duplicate keys are rejected ("json.duplicate_key"), nesting deeper than
//    kMaxJsonDepth is rejected ("json.too_deep"), text over kMaxJsonBytes
//    is rejected ("json.too_large");
//  - every problem found is reported, each with the JSON path of the value.
// Output is compact JSON with keys sorted, so every host prints the same bytes.
#pragma once

#include <nlohmann/json.hpp>
#include <string_view>

#include "loyalty/cart.hpp"
#include "loyalty/error.hpp"
#include "loyalty/member_state.hpp"
#include "loyalty/order_preview.hpp"
#include "loyalty/program.hpp"
#include "loyalty/event.hpp"
#include "loyalty/json_value.hpp"
#include "loyalty/outcome.hpp"
#include "loyalty/queries.hpp"
#include "loyalty/tier.hpp"

namespace loyalty {

using Json = nlohmann::json;

inline constexpr std::size_t kMaxJsonDepth = 64;
inline constexpr std::size_t kMaxJsonBytes = 4 * 1024 * 1024;

// Parses text without throwing; errors carry "json.*" codes and byte offsets.
Result<Json> parse_json(std::string_view text);

// The readers, on a parsed document (json_value.hpp) or on nlohmann's tree.
Result<Program> program_from_json(const JsonValue& json);
Result<Program> program_from_json(const Json& json);
// `path` prefixes every error path ("state", "cart").
Result<MemberState> member_state_from_json(const Program& program, const JsonValue& json,
                                           const std::string& path);
Result<MemberState> member_state_from_json(const Program& program, const Json& json,
                                           const std::string& path);
Result<Cart> cart_from_json(const Program& program, const JsonValue& json, const std::string& path);
Result<Cart> cart_from_json(const Program& program, const Json& json, const std::string& path);
// A bare array of cart lines (a listing's products), errors at `path`[i].
Result<Cart> cart_lines_from_json(const Program& program, const JsonValue& lines, const std::string& path);
Result<Cart> cart_lines_from_json(const Program& program, const Json& lines, const std::string& path);
Result<Event> event_from_json(const Program& program, const JsonValue& json, const std::string& path);
Result<Event> event_from_json(const Program& program, const Json& json, const std::string& path);
Result<TimeMs> time_from_json(const JsonValue& json, const std::string& path);
Result<TimeMs> time_from_json(const Json& json, const std::string& path);
// What the server adds to a draw: {"box", "seed" (64 hex digits), "stock"?, "budget"?}.
Result<DrawInput> draw_input_from_json(const Program& program, const JsonValue& json, const std::string& path);
Result<DrawInput> draw_input_from_json(const Program& program, const Json& json, const std::string& path);

// The programme normalised: every default filled in.
std::string program_json(const Program& program);
class TapeStrings;

// Per-call outputs, written straight to canonical text. Those a member
// session answers on the JS API's typed path are written as a tape for
// the decoder holding `tape` instead, when given (loyalty/answer_tape.hpp).
std::string preview_json(const Program& program, const OrderPreview& preview, TapeStrings* tape = nullptr);
std::string listing_json(const Program& program, const ListingPreview& listing);
std::string progress_json(const Program& program, const TierProgress& progress, TapeStrings* tape = nullptr);
std::string state_json(const Program& program, const MemberState& state);
std::string outcome_json(const Program& program, const Outcome& outcome);
std::string points_summary_json(const PointsSummary& summary, TapeStrings* tape = nullptr);
std::string redemption_json(const RedemptionPreview& preview);
std::string lifecycle_json(const LifecycleStatus& status, TapeStrings* tape = nullptr);
std::string errors_json(const Errors& errors);
// The parts of an outcome on their own, for hosts that store them apart.
std::string ledger_json(const std::vector<LedgerEntry>& ledger);
const char* ledger_kind_name(LedgerKind kind);  // "earn", "vest", ...
std::string notices_json(const Program& program, const std::vector<Notice>& notices);
std::string balances_json(const Program& program, const MemberState& state);

}  // namespace loyalty
