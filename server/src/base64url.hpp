// Base64url without padding (RFC 4648 §5): member ids in tokens, and
// binary state snapshots in JSON answers.
#pragma once

#include <string>

namespace loyalty::server {

std::string base64url(const std::string& bytes);
// False if `text` holds a character outside the alphabet.
bool from_base64url(const std::string& text, std::string& out);

}  // namespace loyalty::server
