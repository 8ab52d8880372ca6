// The operator commands of the `loyalty` binary. Each returns a process exit
// code: 0 success, 1 the input was refused (errors printed), 2 usage error.
#pragma once

#include <ostream>
#include <string>
#include <vector>

namespace loyalty::cli {

int run(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

}  // namespace loyalty::cli
