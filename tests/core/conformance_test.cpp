// The native runner of the conformance vectors in tests/vectors/: every case
// is one GoogleTest, named after its file and case. The WASM runners
// (tests/wasm/) execute the same files and must agree byte for byte.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "loyalty/engine.hpp"
#include "loyalty/json_codec.hpp"

namespace loyalty {
namespace {

namespace fs = std::filesystem;

const fs::path kSourceDir = LOYALTY_SOURCE_DIR;

std::string read_file(const fs::path& path) {
  std::ifstream file(path, std::ios::binary);
  std::stringstream text;
  text << file.rdbuf();
  return text.str();
}

struct VectorCase {
  std::string file;
  std::string name;
  Json program;  // inline object, or the text of a file named by the vector
  Json body;
};

// How GoogleTest names a case in a failure report.
void PrintTo(const VectorCase& c, std::ostream* os) { *os << c.file << ": " << c.name; }

std::vector<VectorCase> load_cases() {
  std::vector<VectorCase> cases;
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(kSourceDir / "tests" / "vectors")) {
    if (entry.path().extension() == ".json") files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  for (const fs::path& path : files) {
    const Json doc = Json::parse(read_file(path));
    Json program = doc.value("program", Json());
    if (program.is_string()) program = Json::parse(read_file(kSourceDir / program.get<std::string>()));
    for (const Json& c : doc.at("cases")) {
      // A case may carry its own programme: inline, or a file like the vector's.
      Json case_program = c.contains("program") ? c.at("program") : program;
      if (case_program.is_string()) case_program = Json::parse(read_file(kSourceDir / case_program.get<std::string>()));
      cases.push_back({path.stem().string(), c.at("name").get<std::string>(), case_program, c});
    }
  }
  return cases;
}

// The envelope a case expects, written as the core writes it.
std::string expected_envelope(const Json& body) {
  if (body.contains("output")) return Json{{"ok", true}, {"value", body.at("output")}}.dump();
  return "";
}

// Only code and path of errors are part of the contract; messages may improve.
Json error_contract(const Json& errors) {
  Json out = Json::array();
  for (const Json& e : errors) out.push_back({{"code", e.at("code")}, {"path", e.at("path")}});
  return out;
}

std::string run_case(const VectorCase& c) {
  const std::string op = c.body.at("op").get<std::string>();
  // input_text: raw text, for what JSON cannot hold (malformed, NaN, duplicate keys).
  const std::string input = c.body.contains("input_text") ? c.body.at("input_text").get<std::string>()
                                                          : c.body.at("input").dump();
  if (op == "check_program") return Engine::check_program(input);
  auto engine = Engine::load(c.program.dump());
  if (!engine.ok()) return error_envelope(engine.errors());
  return engine.value().call(op, input);
}

class Conformance : public ::testing::TestWithParam<VectorCase> {};

TEST_P(Conformance, MatchesTheVector) {
  const VectorCase& c = GetParam();
  const std::string actual = run_case(c);
  if (c.body.contains("output")) {
    EXPECT_EQ(actual, expected_envelope(c.body));
  } else {
    const Json got = Json::parse(actual);
    ASSERT_FALSE(got.at("ok").get<bool>()) << actual;
    EXPECT_EQ(error_contract(got.at("errors")), error_contract(c.body.at("errors"))) << actual;
  }
}

std::string case_name(const ::testing::TestParamInfo<VectorCase>& info) {
  std::string name = info.param.file + "__" + info.param.name;
  for (char& ch : name) {
    if (!std::isalnum(static_cast<unsigned char>(ch))) ch = '_';
  }
  return name;
}

INSTANTIATE_TEST_SUITE_P(Vectors, Conformance, ::testing::ValuesIn(load_cases()), case_name);

}  // namespace
}  // namespace loyalty
