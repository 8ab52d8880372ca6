#include "event_log.hpp"

#include <cstring>

#include "store.hpp"

namespace loyalty::server {

namespace {

// The top-level elements of a JSON array's text, found by their commas
// (strings and nested values skipped); false unless the text is one array.
bool split_array(std::string_view text, std::vector<std::string_view>& items) {
  std::size_t i = text.find_first_not_of(" \t\r\n");
  if (i == std::string_view::npos || text[i] != '[') return false;
  int depth = 0;
  const std::size_t first = i + 1;
  std::size_t start = first;
  bool empty = true;
  for (++i; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '"') {
      // To the closing quote: the next quote not escaped (after an even run of backslashes).
      for (;;) {
        const void* quote = std::memchr(text.data() + i + 1, '"', text.size() - i - 1);
        if (!quote) return false;
        i = static_cast<std::size_t>(static_cast<const char*>(quote) - text.data());
        std::size_t backslashes = 0;
        while (text[i - 1 - backslashes] == '\\') ++backslashes;
        if (backslashes % 2 == 0) break;
      }
      empty = false;
    } else if (c == '{' || c == '[') {
      ++depth;
      empty = false;
    } else if ((c == '}' || c == ']') && depth > 0) {
      --depth;
    } else if (depth == 0 && (c == ',' || c == ']')) {
      // An element missing: before a comma, or after the last comma.
      if (empty && (c == ',' || start != first)) return false;
      if (!empty) items.push_back(text.substr(start, i - start));
      if (c == ']') return text.find_first_not_of(" \t\r\n", i + 1) == std::string_view::npos;
      start = i + 1;
      empty = true;
    } else if (c != ' ' && c != '\t' && c != '\r' && c != '\n') {
      empty = false;
    }
  }
  return false;
}

}  // namespace

void logged_event_texts(const std::string& member_id, const std::vector<std::string>& batches,
                        std::vector<std::string_view>& events) {
  const std::vector<std::string_view> views(batches.begin(), batches.end());
  logged_event_texts(member_id, views, events);
}

void logged_event_texts(std::string_view member_id, const std::vector<std::string_view>& batches,
                        std::vector<std::string_view>& events) {
  for (const std::string_view batch : batches) {
    if (!split_array(batch, events)) throw StoreError(std::string(member_id) + "'s event log does not read");
  }
}

}  // namespace loyalty::server
