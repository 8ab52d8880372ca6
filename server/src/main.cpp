#include <iostream>
#include <string>
#include <vector>

#include "cli.hpp"
#include "serve.hpp"

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  if (!args.empty() && args[0] == "serve") {
    loyalty::serve::Options options;
    const std::string problem = loyalty::serve::parse_options(args, options);
    if (!problem.empty()) {
      std::cerr << "loyalty serve: " << problem << "\n";
      return 2;
    }
    return loyalty::serve::run(options);
  }
  return loyalty::cli::run(args, std::cout, std::cerr);
}
