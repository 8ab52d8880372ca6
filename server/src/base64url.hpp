// Base64url without padding (RFC 4648 §5): member ids in tokens, and
// binary state snapshots in JSON answers.
#pragma once

#include <string>
#include <string_view>

namespace loyalty::server {

std::string base64url(std::string_view bytes);
void append_base64url(std::string& out, std::string_view bytes);
// False if `text` holds a character outside the alphabet.
bool from_base64url(const std::string& text, std::string& out);

}  // namespace loyalty::server
