// What the fuzz targets share: the bakery programme, and a check that an
// answer is one JSON value (a crash or a broken answer is a finding).
#pragma once

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace loyalty::fuzz {

inline std::string read_file(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

inline std::string bakery() { return read_file(std::string(LOYALTY_SOURCE_DIR) + "/programs/bakery.json"); }

// Aborts (a finding libFuzzer saves) when `text` is not one JSON object.
inline nlohmann::json must_be_json_object(std::string_view text, const char* what) {
  auto parsed = nlohmann::json::parse(text, nullptr, false);
  if (parsed.is_discarded() || !parsed.is_object()) {
    std::fprintf(stderr, "%s answered something that is not a JSON object:\n%.*s\n", what,
                 static_cast<int>(text.size()), text.data());
    std::abort();
  }
  return parsed;
}

}  // namespace loyalty::fuzz
