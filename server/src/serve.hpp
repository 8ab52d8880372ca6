// `loyalty serve`: the authoritative sync server. It serves the programme
// (GET /v1/program, cacheable by ETag), the member and merchant API
// (api_routes.hpp) on a store (store.hpp), a health check, the JS package
// and the web demo.
//
// Secrets come from the environment: LOYALTY_TOKEN_SECRET signs member
// tokens, LOYALTY_MERCHANT_KEY authenticates the merchant's backend. Both are
// required but with --demo, which makes up any that is missing (and logs the
// merchant key) and opens POST /v1/demo/login.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace loyalty::serve {

struct Options {
  std::string program_path;
  std::string host = "127.0.0.1";
  int port = 8080;
  std::string static_dir;   // served at "/" when set
  std::string package_dir;  // the JS package (wasm/dist), served at "/pkg/" when set
  std::string db_url = "sqlite:loyalty.db";
  bool demo = false;
  std::int64_t token_ttl_seconds = 3600;
  std::int64_t member_rate_per_minute = 120;  // 0: unlimited
  std::int64_t ip_rate_per_minute = 600;
  // A connection's next request must arrive whole within this, or it is cut.
  std::int64_t request_timeout_ms = 15000;
  // Memory for members' parsed states held between their requests.
  std::int64_t member_cache_mb = 32;
  // Pages on these origins may call the API and load the package (cors.hpp).
  std::vector<std::string> cors_origins;
};

// Parses `serve` arguments; returns an error message, or "" when valid.
std::string parse_options(const std::vector<std::string>& args, Options& options);

// Runs until SIGINT or SIGTERM; finishes in-flight requests before returning.
int run(const Options& options);

}  // namespace loyalty::serve
