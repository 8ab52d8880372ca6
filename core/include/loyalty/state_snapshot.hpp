// A member's state as compact bytes, beside its JSON snapshot: what a host
// keeps to open a session again without reading JSON (a session evicted
// from a module, a store that holds many members). Bytes and JSON
// round-trip exactly: member_state_from_snapshot(state_snapshot(s)) is a
// state whose state_json() is state_json(s).
//
// Format, version 7 (little-endian by construction):
//   header   "LCS" and the version byte (7; every version from 1 is still
//            read: 2 had no recall, 1 no points_active_at either, and before
//            7 lots were written as below without the differences)
//   unsigned LEB128 varint (at most 10 bytes; no redundant trailing zeros)
//   integer  a signed value, zigzag-encoded, as a varint
//   text     a varint byte count, then that many bytes of UTF-8
//   flag     one byte, 0 or 1
//   optional a flag, then the value if 1
//   list     a varint count, then that many items
// The fields follow the JSON snapshot's keys in the same (sorted) order,
// with the same optional parts; tiers and categories are written as their
// ids, so a snapshot reads under any programme that still has them. In the
// lots, each of earned_at, expires_at and vests_at is written as its
// difference from the same field of the last lot that had it (from 0 for
// the first), and order_id as a varint 0 when it is the lot's id, else its
// byte count plus 1, then its bytes.
//
// Reading checks everything the JSON reader checks (ranges, lengths, ids,
// ascending days, the check-in cycle's shape) and more that bytes can get
// wrong: a bad header, a truncated or overlong input, a varint that does
// not end, text that is not UTF-8. Each is an error with a stable code and
// the path of the field, never a crash.
#pragma once

#include <string>
#include <string_view>

#include "loyalty/error.hpp"
#include "loyalty/member_state.hpp"
#include "loyalty/program.hpp"

namespace loyalty {

inline constexpr unsigned char kSnapshotVersion = 7;  // 4: mall redemptions; 5: tags; 6: spokesperson campaigns; 7: lots by difference

// `keep_orders`: the held orders' bytes are kept with the state and copied
// from there until an order changes, for a host that writes the same member
// after every request (the sync server); `program` must then outlive the
// state, as the server's published versions do. `orders_at`, when given,
// is set to where the held orders' bytes (kept_snapshot()) begin in it.
std::string state_snapshot(const Program& program, const MemberState& state, bool keep_orders = false,
                           std::size_t* orders_at = nullptr);

// Errors: "snapshot.bad_header", "snapshot.truncated", "snapshot.bad_varint",
// "snapshot.trailing_bytes", "value.out_of_range", "value.too_long",
// "value.invalid_utf8", "value.invalid_id", "value.invalid_date",
// "state.unknown_tier", "cart.unknown_category", "state.activity_order",
// "state.checkin_cycle".
Result<MemberState> member_state_from_snapshot(const Program& program, std::string_view bytes);

// When and with what birthday the member joined, read from the head of a
// snapshot without the rest (lots, orders, tasks): what a member's exported
// history starts with. The fields it reads are checked as above; the rest is
// not looked at.
struct MemberJoin {
  TimeMs joined_at = 0;
  std::optional<MonthDay> birthday;
};
Result<MemberJoin> member_join_from_snapshot(const Program& program, std::string_view bytes);

// Whether `text` is well-formed UTF-8 (no overlong forms, no surrogates).
bool is_valid_utf8(std::string_view text);

}  // namespace loyalty
