// How a member's state is kept in a store: as the core's binary snapshot
// (state_snapshot.hpp), several times smaller and faster to read and write
// than its JSON; a snapshot of 1 KiB or more is kept LZ4-compressed (a
// member with a year of orders: 10 KB as 3.4 KB), so that the store writes
// a third of the bytes a request; past 1 KiB of held orders, those are
// compressed apart, once for as long as they do not change. Rows written
// before snapshots hold the JSON snapshot; each form is told apart by its
// first bytes, all are read, and a row takes the current form when the
// member next changes.
#pragma once

#include <string>
#include <string_view>

#include "loyalty/error.hpp"
#include "loyalty/member_state.hpp"
#include "loyalty/program.hpp"
#include "loyalty/state_snapshot.hpp"

namespace loyalty::server {

std::string stored_form(const Program& program, const MemberState& state);
// A snapshot (state_snapshot()) as it is kept.
std::string stored_form_of_snapshot(std::string_view snapshot);
// The same, for a snapshot written with its held orders kept
// (state_snapshot's keep_orders and orders_at): large orders are compressed
// apart, and their block is kept with them (HeldOrders::kept_derived) and
// reused until an order changes. Reads back as the form above does.
std::string stored_form_of_snapshot(std::string_view snapshot, std::size_t orders_at, const HeldOrders& orders,
                                    const Program& program);
Result<MemberState> read_stored_state(const Program& program, std::string_view stored);
// When and with what birthday the member joined, without reading the rest of
// the state (member_join_from_snapshot): what `loyalty export` needs.
Result<MemberJoin> read_stored_join(const Program& program, std::string_view stored);

}  // namespace loyalty::server
