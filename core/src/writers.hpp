// The core's JSON writers, for use by one another (internal).
#pragma once

#include "json_writer.hpp"
#include "loyalty/member_state.hpp"
#include "loyalty/outcome.hpp"
#include "loyalty/program.hpp"
#include "loyalty/tier.hpp"

namespace loyalty {

void write_state(JsonWriter& w, const Program& program, const MemberState& state);
void write_progress(JsonWriter& w, const Program& program, const TierProgress& progress);
void write_ledger(JsonWriter& w, const std::vector<LedgerEntry>& ledger);
void write_notices(JsonWriter& w, const Program& program, const std::vector<Notice>& notices);
void write_balances(JsonWriter& w, const Program& program, const MemberState& state);
void write_localized(JsonWriter& w, const LocalizedText& text);

}  // namespace loyalty
