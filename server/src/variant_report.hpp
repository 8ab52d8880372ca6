// What an A/B experiment does live: for the local days asked (today by
// default), each variant's points issued, redeemed, expired, clawed back
// and returned, red packets, coupons and box chances, by ledger kind, and how
// many members had any of it; read from the ledger while the server runs.
// The simulation reports the same figures for a replayed history
// (simulation.hpp, Figures), so a test of a variant on paper and its run in
// the shop read alike. GET /v1/reports/variants.
#pragma once

#include "loyalty/json_codec.hpp"
#include "loyalty/program.hpp"
#include "store.hpp"

namespace loyalty::server {

// Local days `from_day`..`to_day` (day numbers, both included) of a
// programme that has an experiment. Throws StoreError.
Json variant_report(const Program& program, Store& store, std::int64_t from_day, std::int64_t to_day);
// The same figures for every member in all ("figures", the console's
// dashboard: what this month issued, redeemed, expired), and by variant
// when the programme runs an experiment. GET /v1/reports/activity.
Json activity_report(const Program& program, Store& store, std::int64_t from_day, std::int64_t to_day);

}  // namespace loyalty::server
