#include "loyalty/text_set.hpp"

#include <algorithm>

namespace loyalty {

// Out of line: inlined where a text was just moved in, it drew GCC's
// maybe-uninitialized warning on the string's buffer.
std::uint64_t TextSet::head_of(std::string_view text) {
  const std::size_t n = text.size() < 8 ? text.size() : 8;
  if (n == 0) return 0;
  std::uint64_t head = 0;
  for (std::size_t i = 0; i < n; ++i) head = head << 8 | static_cast<unsigned char>(text[i]);
  return head << (8 * (8 - n));  // zeros after a short text
}

// Out of line, as the rest below, and all through the tree's lower_bound() and
// a hinted insert: the WASM module holds one copy of each, and no other search.
std::size_t TextSet::count(std::string_view text) const {
  const const_iterator at = lower_bound(text);
  return at != end() && *at == text ? 1 : 0;
}

TextSet::const_iterator TextSet::lower_bound(std::string_view text) const {
  return held_ ? const_iterator(held_->tree.lower_bound(probe(text))) : end();
}

TextSet::const_iterator TextSet::emplace_hint(const_iterator hint, std::string_view text) {
  // The hint of a set without a tree is its end: the new tree's end now.
  const Tree::const_iterator at = held_ ? hint.it_ : tree_to_add().cend();
  return const_iterator(held_->tree.insert(at, Entry{head_of(text), std::string(text)}));
}

std::pair<TextSet::const_iterator, bool> TextSet::insert(std::string text) {
  Tree& tree = tree_to_add();
  const std::uint64_t head = head_of(text);  // once, for the search and the entry
  const auto at = tree.lower_bound(Probe{head, text});
  if (at != tree.end() && at->text == text) return {const_iterator(at), false};
  return {const_iterator(tree.insert(at, Entry{head, std::move(text)})), true};
}

TextSet::Tree& TextSet::tree_to_add() {
  if (!held_) held_ = std::make_unique<Held>();
  return held_->tree;
}

TextSet::TextSet(const TextSet& other) {
  if (other.empty()) return;
  held_ = std::make_unique<Held>();
  held_->tree.insert(other.held_->tree.begin(), other.held_->tree.end());  // in order: each at the end
}

TextSet& TextSet::operator=(const TextSet& other) {
  if (this != &other) *this = TextSet(other);
  return *this;
}

TextSet::TextSet(TextSet&&) noexcept = default;
TextSet& TextSet::operator=(TextSet&&) noexcept = default;

TextSet::~TextSet() = default;

std::size_t TextSet::node_bytes() const {
  return held_ ? sizeof(Held) + held_->pool.chunk_bytes() + held_->pool.chunks() * sizeof(void*) : 0;
}

std::size_t TextSet::erase(std::string_view text) {
  const const_iterator at = lower_bound(text);
  if (at == end() || *at != text) return 0;
  erase(at);
  return 1;
}

bool operator==(const TextSet& a, const TextSet& b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin());
}

}  // namespace loyalty
