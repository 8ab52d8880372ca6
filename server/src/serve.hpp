// `loyalty serve`: the HTTP face of the core. Today it serves the programme
// (GET /v1/program, cacheable by ETag), a health check, the JS package and
// the web demo; member sync and merchant endpoints build on it.
#pragma once

#include <string>
#include <vector>

namespace loyalty::serve {

struct Options {
  std::string program_path;
  std::string host = "127.0.0.1";
  int port = 8080;
  std::string static_dir;   // served at "/" when set
  std::string package_dir;  // the JS package (wasm/dist), served at "/pkg/" when set
};

// Parses `serve` arguments; returns an error message, or "" when valid.
std::string parse_options(const std::vector<std::string>& args, Options& options);

// Runs until SIGINT or SIGTERM; finishes in-flight requests before returning.
int run(const Options& options);

}  // namespace loyalty::serve
