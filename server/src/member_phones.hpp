// Members found by phone at the console's desk. A phone is kept only as a
// keyed digest (MemberTokens::phone_digest), so the store holds no phone
// numbers; the same number written another way ("138 0013 8000",
// "+86 138-0013-8000") is the same key.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace loyalty::server {

// The number's canonical form: separators (spaces, '-', '.', '(', ')')
// dropped, China's +86 / 0086 prefix dropped (its national numbers are what
// members give), other countries kept as "+<digits>"; nullopt unless 5 to 20
// digits remain.
std::optional<std::string> normalize_phone(std::string_view text);

// The last four digits, for the audit log and the desk (never the number).
std::string phone_ending(const std::string& normalized);

}  // namespace loyalty::server
