// The points liability today (积分负债), from the store while the server runs:
// what members hold, what it is worth at the redemption rate, when it falls
// due to expire, and how it splits by tier and lifecycle stage. Each state
// is brought to `now` first, so points past their expiry are not counted.
// Used by `loyalty report liability` and GET /v1/reports/liability.
#pragma once

#include "loyalty/json_codec.hpp"
#include "loyalty/program.hpp"
#include "progress.hpp"
#include "store.hpp"

namespace loyalty::server {

// Throws StoreError; with a `progress`, stepped for each member (and
// stopped by Ctrl-C: then the answer is empty).
Json liability_report(const Program& program, Store& store, TimeMs now, Progress* progress = nullptr);

}  // namespace loyalty::server
