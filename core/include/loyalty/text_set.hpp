// Texts kept sorted (byte order, as std::string orders them) and unique,
// found and added in O(log n): a member may have liked or scanned up to
// 100,000 of them, and a sorted vector moved every one after the place of
// each new text.
//
// Each text is held beside its first eight bytes read as a number (the
// first byte most significant, short texts padded with zeros). Two texts
// whose first eight bytes differ are ordered by those numbers alone, so a
// search compares numbers and reads texts only past a shared eight-byte
// start: a like searched a thousand articles with a call to memcmp at each
// of the tree's levels, a third of the event's cost.
//
// The nodes come from a pool the set owns, made with its first text: a
// like added a node through malloc at nearly 200 instructions, a tenth of
// the event.
#pragma once

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <iterator>
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <utility>

#include "loyalty/node_pool.hpp"

namespace loyalty {

class TextSet {
  struct Entry {
    std::uint64_t head;
    std::string text;
  };
  struct Probe {
    std::uint64_t head;
    std::string_view text;
  };
  // Orders (head, text): the texts' own order, since heads that differ
  // differ where the texts first do, and equal heads defer to the texts.
  static bool before(std::uint64_t a_head, std::string_view a, std::uint64_t b_head, std::string_view b) {
    return a_head != b_head ? a_head < b_head : a < b;
  }
  struct Less {
    using is_transparent = void;
    bool operator()(const Entry& a, const Entry& b) const { return before(a.head, a.text, b.head, b.text); }
    bool operator()(const Entry& a, const Probe& b) const { return before(a.head, a.text, b.head, b.text); }
    bool operator()(const Probe& a, const Entry& b) const { return before(a.head, a.text, b.head, b.text); }
  };
  using Tree = std::set<Entry, Less, PoolAllocator<Entry>>;

  static std::uint64_t head_of(std::string_view text);
  static Probe probe(std::string_view text) { return {head_of(text), text}; }

 public:
  // The texts in order, each as the std::string it is held in.
  class const_iterator {
   public:
    using iterator_category = std::bidirectional_iterator_tag;
    using value_type = std::string;
    using difference_type = std::ptrdiff_t;
    using pointer = const std::string*;
    using reference = const std::string&;
    const_iterator() = default;
    const std::string& operator*() const { return it_->text; }
    const std::string* operator->() const { return &it_->text; }
    const_iterator& operator++() {
      ++it_;
      return *this;
    }
    const_iterator& operator--() {
      --it_;
      return *this;
    }
    bool operator==(const const_iterator& o) const { return it_ == o.it_; }
    bool operator!=(const const_iterator& o) const { return it_ != o.it_; }

   private:
    friend class TextSet;
    explicit const_iterator(Tree::const_iterator it) : it_(it) {}
    Tree::const_iterator it_;
  };
  using iterator = const_iterator;  // texts are never changed in place
  using value_type = std::string;

  TextSet() = default;
  TextSet(std::initializer_list<std::string> texts) : TextSet(texts.begin(), texts.end()) {}
  template <typename Iterator>
  TextSet(Iterator first, Iterator last) {
    for (; first != last; ++first) insert(std::string(*first));
  }
  // A copy has a pool of its own; a set moved from is empty.
  TextSet(const TextSet& other);
  TextSet& operator=(const TextSet& other);
  // Out of line: inlined, a set's move and teardown were copied into every
  // place that moves or drops a member's state (kilobytes of the module).
  TextSet(TextSet&&) noexcept;
  TextSet& operator=(TextSet&&) noexcept;
  ~TextSet();

  // A set without texts has no tree: its begin and end are the same empty place.
  const_iterator begin() const { return held_ ? const_iterator(held_->tree.begin()) : const_iterator(); }
  const_iterator end() const { return held_ ? const_iterator(held_->tree.end()) : const_iterator(); }
  std::size_t size() const { return held_ ? held_->tree.size() : 0; }
  bool empty() const { return !held_ || held_->tree.empty(); }

  std::size_t count(std::string_view text) const;
  // The first text not before `text`: where it is, or where it would go.
  const_iterator lower_bound(std::string_view text) const;
  // Adds `text` at `hint` (lower_bound's answer for it, for no second search).
  const_iterator emplace_hint(const_iterator hint, std::string_view text);
  std::pair<const_iterator, bool> insert(std::string text);
  void erase(const_iterator at) { held_->tree.erase(at.it_); }
  std::size_t erase(std::string_view text);

  // The pool's memory, in use or free, beside the texts' own buffers (for
  // heap accounting).
  std::size_t node_bytes() const;

  friend bool operator==(const TextSet& a, const TextSet& b);
  friend bool operator!=(const TextSet& a, const TextSet& b) { return !(a == b); }

 private:
  // The tree and the pool its nodes come from, in one place that never
  // moves (a set moves by its pointer). The tree goes first, its nodes
  // back to the pool, before the pool goes.
  struct Held {
    NodePool pool;
    Tree tree{Less{}, PoolAllocator<Entry>(&pool)};
  };
  Tree& tree_to_add();  // made, with its pool, for the first text

  std::unique_ptr<Held> held_;
};

}  // namespace loyalty
