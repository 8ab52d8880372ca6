// A member's points as lots, with the indexes apply() needs so that
// earning, spending, vesting and expiring cost O(log n) in the lots held:
// lots in the order they are spent (available and pending apart; soonest
// expiry first, so the lots due to expire lead both), lots by the time they
// vest, lots by the order that earned them, and the available and pending
// totals.
//
// Lots are held in the order they were added (the order of the snapshot).
// Each has a slot, its place in that order counting the lots removed since
// the lots were last compacted; a slot stays the same while its lot is held
// and until compact(), so that apply() can note and undo changes by slot.
//
// The lots are shared by the copies of a state until one of them changes
// them (a member may hold years of lots that an event does not touch).
// Indexes are built for apply() (prepare()) and kept while it changes the
// lots. A copy changed without them (a query bringing a state forward)
// keeps only its lots' vesting and expiry times in order, in a vector built
// once for a fraction of the indexes' cost (when the lots fall due in the
// order they were earned, as lots earned at fixed terms do); for anything
// else it scans, and indexes its lots once its scans have cost about what
// building the indexes would.
#pragma once

#include <algorithm>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "loyalty/local_time.hpp"
#include "loyalty/node_pool.hpp"

namespace loyalty {

// Points earned together, spent first-expiring-first.
struct Lot {
  std::string id;  // the earning event's id, "#n" suffixed when one event makes several
  TimeMs earned_at = 0;
  std::int64_t points = 0;  // what is left, > 0
  std::optional<TimeMs> expires_at;
  std::optional<TimeMs> vests_at;  // present while pending: not spendable until then
  std::string order_id;            // the order that earned it, if any
};

// An id's place in an index: its hash (ids equal in hash are told apart by the caller).
inline std::int64_t id_hash(const std::string& id) { return static_cast<std::int64_t>(std::hash<std::string>{}(id)); }

class Lots {
 public:
  using Slot = std::size_t;

  // The lots held, in the order they were added.
  class const_iterator {
   public:
    using iterator_category = std::forward_iterator_tag;
    using value_type = Lot;
    using difference_type = std::ptrdiff_t;
    using pointer = const Lot*;
    using reference = const Lot&;
    const_iterator(const Lots* lots, Slot slot) : lots_(lots), slot_(lots->skip_removed(slot)) {}
    const Lot& operator*() const { return (*lots_)[slot_]; }
    const Lot* operator->() const { return &(*lots_)[slot_]; }
    const_iterator& operator++() {
      slot_ = lots_->skip_removed(slot_ + 1);
      return *this;
    }
    bool operator==(const const_iterator& o) const { return slot_ == o.slot_; }
    bool operator!=(const const_iterator& o) const { return slot_ != o.slot_; }
    Slot slot() const { return slot_; }

   private:
    const Lots* lots_;
    Slot slot_;
  };

  const_iterator begin() const { return {this, 0}; }
  const_iterator end() const { return {this, slots()}; }
  std::size_t size() const { return shared_ ? shared_->lots.size() - shared_->removed_count : 0; }
  bool empty() const { return size() == 0; }
  // The lot in `slot` (with no lot removed since compact(), slot i is the i-th lot).
  const Lot& operator[](Slot slot) const { return shared_->lots[slot]; }

  std::int64_t available() const;  // points spendable now
  std::int64_t pending() const;    // points not vested yet
  // The earliest vests_at or expires_at among the lots, if any: what time must bring next.
  std::optional<TimeMs> next_due() const;

  // For apply(): the lots due to vest, or to expire, at or before `t`, in
  // slot order, into `slots` (the caller's, so that its room is reused).
  void vesting_by(TimeMs t, std::vector<Slot>& slots);
  void expiring_by(TimeMs t, std::vector<Slot>& slots);
  // Calls visit(slot) for the lots in spending order (soonest expiry, then
  // earliest earned, then id; never-expiring last), available or pending
  // ones, while it answers true. The lots' points may change meanwhile.
  template <typename Visit>
  void in_spending_order(bool pending, Visit&& visit);
  // Whether the lot in slot `a` is spent before the one in `b`.
  bool spent_before(Slot a, Slot b) const {
    return SpendOrder{&shared_->lots}(spend_key((*this)[a], a), spend_key((*this)[b], b));
  }
  // The lots the order earned (or got back on a refund), in slot order.
  std::vector<Slot> of_order(const std::string& order_id);
  // The held slot after `slot`, or slots() if none.
  Slot next_held(Slot slot) const { return skip_removed(slot + 1); }
  bool held(Slot slot) const {
    return shared_ && slot < slots() && !(slot < shared_->removed.size() && shared_->removed[slot]);
  }

  // Builds the indexes of lots this state alone holds, for apply() to keep
  // from then on (lots shared with a copy are indexed once copied to change).
  void prepare() {
    if (shared_ && !shared_->indexed && shared_.use_count() == 1) rebuild(*shared_);
  }

  // Changes, each keeping the indexes:
  Slot push_back(Lot&& lot);
  const Lot& take(Slot slot, std::int64_t points);  // points leave the lot, nothing else changes
  void vest(Slot slot);                             // the lot is pending no more
  // Removes the lots that take() left with no points; calls removed(slot, lot) for each.
  template <typename Removed>
  void remove_empty(Removed&& removed);
  // To undo: the lot in `slot` (held or removed) becomes `lot`, held; the last lot goes.
  void put_back(Slot slot, Lot lot);
  void pop_back();
  // Renumbers the slots without the removed lots once they are many (amortised O(1) a removal).
  void compact_if_sparse();

  // Any change at all: the lots as a plain vector (compacted). The indexes
  // are rebuilt when next needed.
  std::vector<Lot>& edit();
  void assign(std::vector<Lot> lots);

  std::size_t heap_bytes() const;  // the lots and their indexes (whole, even when shared with a copy)
  // Whether the indexes agree with the lots (totals; in slot order, the
  // order and the cursors): a check for tests, O(n).
  bool indexes_agree() const;

 private:
  // A lot's place in spending order. Lots that tie are ordered by their ids,
  // read from the lots (a key holds no copy of one).
  struct SpendKey {
    bool never;  // never expires: spent last
    TimeMs expires_at, earned_at;
    Slot slot;
  };
  struct SpendOrder {
    const std::vector<Lot>* lots;
    bool operator()(const SpendKey& a, const SpendKey& b) const;
  };
  using TimeIndex = std::set<std::pair<std::int64_t, Slot>, std::less<>, PoolAllocator<std::pair<std::int64_t, Slot>>>;
  using SpendIndex = std::set<SpendKey, SpendOrder, PoolAllocator<SpendKey>>;
  struct Shared {
    Shared() = default;
    Shared(const Shared&) = delete;  // the indexes point at these lots and this pool
    Shared& operator=(const Shared&) = delete;

    std::vector<Lot> lots;
    std::vector<std::uint8_t> removed;  // by slot: 1 when removed (vector<bool>'s code is large in the module)
    std::size_t removed_count = 0;
    // The indexes are built when apply() first needs them (opening a state
    // to answer queries does not pay for them), then kept; edit() drops them.
    bool indexed = false;
    // Indexed lots held in spending order and, the pending ones, in vesting
    // order, slot after slot, as lots earned one after another at fixed
    // terms are: the slots are then walked and the three time indexes left
    // empty. The first lot that breaks the order builds them (leave_slot_order()).
    bool by_slot = false;
    // by_slot: the first held lot and the first pending one (lots.size() or
    // past it if none), kept by every change, so that asking when the next
    // is due costs nothing.
    Slot first_held = 0;
    Slot first_pending = 0;
    TimeMs latest_vests_at = 0;  // by_slot: no pending lot vests later (a bound, never lowered)
    std::size_t scanned = 0;  // lots looked at by scans since, while not indexed
    std::int64_t available = 0, pending = 0;
    NodePool pool;  // before the indexes: they give their nodes back to it as they go
    // One kind of index for times and ids alike: one set type in the module.
    TimeIndex vesting{PoolAllocator<std::pair<std::int64_t, Slot>>(&pool)};  // pending lots by vests_at
    SpendIndex spend_available{SpendOrder{&lots}, PoolAllocator<SpendKey>(&pool)};
    SpendIndex spend_pending{SpendOrder{&lots}, PoolAllocator<SpendKey>(&pool)};
    // The order id's hash (no copy of it); equal ids checked.
    TimeIndex by_order{PoolAllocator<std::pair<std::int64_t, Slot>>(&pool)};
    std::vector<Slot> emptied;  // taken to no points, to remove
    // Without the indexes: every held lot's vests_at and expires_at, in time
    // order. Vesting and removing a lot leave its entries stale (passed
    // over, and dropped once they lead); any other change but taking points
    // drops the list, built again when next needed.
    struct Due {
      TimeMs at;
      Slot slot;
      bool vests;  // vests_at, else expires_at
    };
    enum class DueList : std::uint8_t { unbuilt, listed, unordered };
    std::vector<Due> due;
    std::size_t due_from = 0;  // the entries before it are stale
    DueList due_list = DueList::unbuilt;
  };

  Slot slots() const { return shared_ ? shared_->lots.size() : 0; }
  Slot skip_removed(Slot slot) const {
    // After edit() the lots may have grown past `removed`: none of those is removed.
    while (slot < slots() && slot < shared_->removed.size() && shared_->removed[slot]) ++slot;
    return slot;
  }
  static SpendKey spend_key(const Lot& lot, Slot slot);
  Shared& own();  // owned by this state alone (a copy made now is not indexed)
  // Whether the indexes answer, building them if scans have cost enough
  // (lots this state alone holds: their indexes change nothing they hold).
  bool indexed_now() const;
  static constexpr std::size_t kScansBeforeIndexing = 16;
  void due_by(TimeMs t, std::optional<TimeMs> Lot::*when, std::vector<Slot>& slots);
  // The due list of lots this state alone holds and has not indexed, built
  // if need be; nullptr when the lots are indexed or shared.
  Shared* listed_now() const;
  static void list_due(Shared& s);
  static bool due_still(const Shared& s, const Shared::Due& d);
  static void index(Shared& s, Slot slot);
  static void index_times(Shared& s, Slot slot);  // into the vesting and spending indexes
  static void unindex(Shared& s, Slot slot);
  // by_slot: whether the lot in `slot` keeps the slots in order with its
  // held neighbours (found within a few removed slots, else false).
  static bool keeps_slot_order(const Shared& s, Slot slot);
  // Whether the held lots' spending keys rise slot after slot and the
  // pending lots' vesting times do; the last of those into `latest_vests_at`.
  static bool in_slot_order(const Shared& s, TimeMs& latest_vests_at);
  static void leave_slot_order(Shared& s);  // the time indexes built for every held lot
  // by_slot: the first held lot (pending only, if asked) at or after `from`, or slots().
  static Slot first_from(const Shared& s, Slot from, bool pending);
  static void advance_cursors(Shared& s);
  static void index_all(Shared& s);  // the held lots where they are
  static void compact(Shared& s);  // the removed lots gone, the held ones renumbered (in the indexes too)
  void rebuild(Shared& s);         // compacted, then indexed

  std::shared_ptr<Shared> shared_;
  // next_due() of lots shared with another state and not indexed: they
  // cannot change while shared (a change copies them first, in own(), which
  // forgets this), and a query's copy brought forward day by day asks at
  // every step. Kept in this handle, which one state alone uses.
  mutable std::optional<std::optional<TimeMs>> shared_next_due_;
};

template <typename Visit>
void Lots::in_spending_order(bool pending, Visit&& visit) {
  own();  // visit() takes points: the lots are this state's before the walk
  const auto visit_in = [&](const auto& keys) {
    for (const SpendKey& key : keys) {
      if ((*this)[key.slot].points <= 0) continue;  // taken to nothing, not yet removed
      if (!visit(key.slot)) break;
    }
  };
  if (indexed_now()) {
    Shared& s = *shared_;
    if (!s.by_slot) {
      visit_in(pending ? s.spend_pending : s.spend_available);
      return;
    }
    for (Slot slot = pending ? s.first_pending : s.first_held; slot < s.lots.size(); ++slot) {
      const Lot& lot = s.lots[slot];
      if (s.removed[slot] || lot.vests_at.has_value() != pending || lot.points <= 0) continue;
      if (!visit(slot)) break;
    }
    return;
  }
  std::vector<SpendKey> keys;
  for (auto it = begin(); it != end(); ++it) {
    if (it->vests_at.has_value() == pending) keys.push_back(spend_key(*it, it.slot()));
  }
  std::sort(keys.begin(), keys.end(), SpendOrder{&shared_->lots});
  visit_in(keys);
}

template <typename Removed>
void Lots::remove_empty(Removed&& removed) {
  Shared& s = own();
  std::vector<Slot> emptied;
  emptied.swap(s.emptied);
  for (Slot slot : emptied) {
    if (slot >= s.lots.size() || s.removed[slot] || s.lots[slot].points > 0) continue;
    if (s.indexed) unindex(s, slot);
    s.removed[slot] = 1;
    ++s.removed_count;
    removed(slot, std::move(s.lots[slot]));
  }
  if (s.indexed && s.by_slot) advance_cursors(s);
  if (s.emptied.empty()) {  // the list keeps its capacity for the next lots emptied
    emptied.clear();
    s.emptied.swap(emptied);
  }
}

}  // namespace loyalty
