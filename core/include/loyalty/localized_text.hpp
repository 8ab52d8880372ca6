// Text a member reads, by locale ("zh-CN", "en"). The core never shows it;
// it carries it so that every client names a tier, a prize or a campaign the
// same way.
#pragma once

#include <map>
#include <string>

namespace loyalty {

using LocalizedText = std::map<std::string, std::string>;

}  // namespace loyalty
