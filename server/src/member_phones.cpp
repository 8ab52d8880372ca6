#include "member_phones.hpp"

namespace loyalty::server {

std::optional<std::string> normalize_phone(std::string_view text) {
  std::string digits;
  bool plus = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c >= '0' && c <= '9') {
      digits += c;
    } else if (c == '+' && digits.empty() && !plus) {
      plus = true;
    } else if (c != ' ' && c != '-' && c != '.' && c != '(' && c != ')') {
      return std::nullopt;
    }
  }
  if (!plus && digits.rfind("00", 0) == 0) {  // 0086…: the international prefix written out
    digits.erase(0, 2);
    plus = true;
  }
  if (plus && digits.rfind("86", 0) == 0) {
    digits.erase(0, 2);
    plus = false;
  }
  if (digits.size() < 5 || digits.size() > 20) return std::nullopt;
  return plus ? "+" + digits : digits;
}

std::string phone_ending(const std::string& normalized) {
  return normalized.size() <= 4 ? normalized : normalized.substr(normalized.size() - 4);
}

}  // namespace loyalty::server
