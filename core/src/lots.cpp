#include "loyalty/lots.hpp"

#include <algorithm>

#include "heap_bytes.hpp"

namespace loyalty {

bool Lots::SpendOrder::operator()(const SpendKey& a, const SpendKey& b) const {
  if (a.never != b.never) return b.never;
  if (a.expires_at != b.expires_at) return a.expires_at < b.expires_at;
  if (a.earned_at != b.earned_at) return a.earned_at < b.earned_at;
  if (a.slot == b.slot) return false;
  const int ids = (*lots)[a.slot].id.compare((*lots)[b.slot].id);
  if (ids != 0) return ids < 0;
  return a.slot < b.slot;  // only lots a state read from outside may share ids
}

Lots::SpendKey Lots::spend_key(const Lot& lot, Slot slot) {
  return {!lot.expires_at, lot.expires_at.value_or(0), lot.earned_at, slot};
}

namespace {

// Calls f(slot, lot) for each lot held. A plain loop here rather than the
// iterator: this file is built for speed in the WASM build, and the scans
// of lots that are not indexed run on every step a query's copy is brought.
template <typename Shared, typename F>
void for_each_held(const Shared& s, F&& f) {
  const std::size_t marked = s.removed.size();
  for (std::size_t slot = 0; slot < s.lots.size(); ++slot) {
    if (slot < marked && s.removed[slot]) continue;
    f(slot, s.lots[slot]);
  }
}

}  // namespace

std::int64_t Lots::available() const {
  if (!shared_) return 0;
  if (shared_->indexed) return shared_->available;
  std::int64_t sum = 0;
  for_each_held(*shared_, [&](Slot, const Lot& lot) {
    if (!lot.vests_at) sum += lot.points;
  });
  return sum;
}

std::int64_t Lots::pending() const {
  if (!shared_) return 0;
  if (shared_->indexed) return shared_->pending;
  std::int64_t sum = 0;
  for_each_held(*shared_, [&](Slot, const Lot& lot) {
    if (lot.vests_at) sum += lot.points;
  });
  return sum;
}

std::optional<TimeMs> Lots::next_due() const {
  if (!shared_) return std::nullopt;
  std::optional<TimeMs> due;
  const auto consider = [&](std::optional<TimeMs> t) {
    if (t && (!due || *t < *due)) due = t;
  };
  if (const Shared& s = *shared_; s.indexed && s.by_slot) {  // asked at every step: first
    // The first held lot expires first; the first pending one vests first.
    if (s.first_held < s.lots.size()) due = s.lots[s.first_held].expires_at;
    if (s.first_pending < s.lots.size()) consider(s.lots[s.first_pending].vests_at);
    return due;
  }
  if (Shared* s = listed_now()) {
    while (s->due_from < s->due.size() && !due_still(*s, s->due[s->due_from])) ++s->due_from;
    if (s->due_from < s->due.size()) due = s->due[s->due_from].at;
    return due;
  }
  if (indexed_now()) {
    if (shared_->by_slot) return next_due();  // indexed just now, in slot order
    if (!shared_->vesting.empty()) consider(shared_->vesting.begin()->first);
    // Lots expiring lead the spending orders (never-expiring ones come last).
    for (const SpendIndex* spend : {&shared_->spend_available, &shared_->spend_pending}) {
      if (!spend->empty() && !spend->begin()->never) consider(spend->begin()->expires_at);
    }
    return due;
  }
  const bool shared = shared_.use_count() > 1;
  if (shared && shared_next_due_) return *shared_next_due_;
  for_each_held(*shared_, [&](Slot, const Lot& lot) {
    consider(lot.vests_at);
    consider(lot.expires_at);
  });
  if (shared) shared_next_due_ = due;
  return due;
}

bool Lots::indexed_now() const {
  if (!shared_) return false;
  Shared& s = *shared_;
  if (s.indexed) return true;
  // Only lots this state alone holds are counted and indexed (copies may be
  // read on other threads). Indexed where they are, not compacted: slots
  // handed out must keep their lots (a query's copy brought forward day
  // after day has removed lots, and scanned them all at every step).
  if (shared_.use_count() > 1) return false;
  s.scanned += s.lots.size() + 1;
  if (s.scanned < kScansBeforeIndexing * (s.lots.size() + 1)) return false;
  index_all(s);
  return true;
}

Lots::Shared* Lots::listed_now() const {
  if (!shared_ || shared_->indexed || shared_.use_count() > 1) return nullptr;
  Shared& s = *shared_;
  if (s.due_list == Shared::DueList::unbuilt) list_due(s);
  return s.due_list == Shared::DueList::listed ? &s : nullptr;
}

// Two runs in slot order, the times lots vest and the times they expire,
// merged. Lots earned one after another at fixed terms fall due in the order
// they were earned; when they do not (terms that differ), no list is kept
// and the indexes serve (a sort here cost the module 0.9 KB more, brotli).
void Lots::list_due(Shared& s) {
  std::vector<Shared::Due> vests, expires;
  for_each_held(s, [&](Slot slot, const Lot& lot) {
    if (lot.vests_at) vests.push_back({*lot.vests_at, slot, true});
    if (lot.expires_at) expires.push_back({*lot.expires_at, slot, false});
  });
  const auto in_order = [](const std::vector<Shared::Due>& run) {
    for (std::size_t i = 1; i < run.size(); ++i) {
      if (run[i].at < run[i - 1].at) return false;
    }
    return true;
  };
  s.due.clear();
  s.due_from = 0;
  if (!in_order(vests) || !in_order(expires)) {
    s.due_list = Shared::DueList::unordered;
    return;
  }
  s.due.reserve(vests.size() + expires.size());
  std::size_t v = 0, e = 0;
  while (v < vests.size() || e < expires.size()) {
    const bool vest_first = e == expires.size() || (v < vests.size() && vests[v].at <= expires[e].at);
    s.due.push_back(vest_first ? vests[v++] : expires[e++]);
  }
  s.due_list = Shared::DueList::listed;
}

// Whether a due list's entry still holds: its lot held, with that time still set.
bool Lots::due_still(const Shared& s, const Shared::Due& d) {
  if (d.slot >= s.lots.size() || (d.slot < s.removed.size() && s.removed[d.slot])) return false;
  const Lot& lot = s.lots[d.slot];
  return (d.vests ? lot.vests_at : lot.expires_at) == d.at;
}

void Lots::due_by(TimeMs t, std::optional<TimeMs> Lot::*when, std::vector<Slot>& slots) {
  slots.clear();
  if (!shared_) return;
  if (const Shared& s = *shared_; s.indexed && s.by_slot) {  // asked at every step with a lot due: first
    const bool vests = when == &Lot::vests_at;
    for (Slot slot = vests ? s.first_pending : s.first_held; slot < s.lots.size(); ++slot) {
      const Lot& lot = s.lots[slot];
      if (s.removed[slot] || !(lot.*when)) {
        if (!vests && !s.removed[slot]) break;  // never expiring: so are the lots after it
        continue;
      }
      if (*(lot.*when) > t) break;
      slots.push_back(slot);
    }
    return;  // found in slot order
  }
  if (const Shared* s = listed_now()) {
    const bool vests = when == &Lot::vests_at;
    for (std::size_t i = s->due_from; i < s->due.size() && s->due[i].at <= t; ++i) {
      if (s->due[i].vests == vests && due_still(*s, s->due[i])) slots.push_back(s->due[i].slot);
    }
  } else if (!indexed_now()) {
    for_each_held(*shared_, [&](Slot slot, const Lot& lot) {
      if ((lot.*when) && *(lot.*when) <= t) slots.push_back(slot);
    });
    return;  // found in slot order
  } else if (shared_->by_slot) {
    due_by(t, when, slots);  // indexed just now, in slot order
    return;
  } else if (when == &Lot::vests_at) {
    for (auto it = shared_->vesting.begin(); it != shared_->vesting.end() && it->first <= t; ++it) {
      slots.push_back(it->second);
    }
  } else {
    for (const SpendIndex* spend : {&shared_->spend_available, &shared_->spend_pending}) {
      for (auto it = spend->begin(); it != spend->end() && !it->never && it->expires_at <= t; ++it) slots.push_back(it->slot);
    }
  }
  std::sort(slots.begin(), slots.end());
}

void Lots::vesting_by(TimeMs t, std::vector<Slot>& slots) { due_by(t, &Lot::vests_at, slots); }

void Lots::expiring_by(TimeMs t, std::vector<Slot>& slots) { due_by(t, &Lot::expires_at, slots); }

std::vector<Lots::Slot> Lots::of_order(const std::string& order_id) {
  std::vector<Slot> slots;
  if (!indexed_now()) {
    if (shared_) {
      for_each_held(*shared_, [&](Slot slot, const Lot& lot) {
        if (lot.order_id == order_id) slots.push_back(slot);
      });
    }
    return slots;
  }
  const Shared& s = *shared_;
  const std::int64_t hash = id_hash(order_id);
  for (auto it = s.by_order.lower_bound({hash, 0}); it != s.by_order.end() && it->first == hash; ++it) {
    if (s.lots[it->second].order_id == order_id) slots.push_back(it->second);
  }
  std::sort(slots.begin(), slots.end());
  return slots;
}

Lots::Shared& Lots::own() {
  shared_next_due_.reset();
  if (!shared_) {
    shared_ = std::make_shared<Shared>();
  } else if (shared_.use_count() > 1) {
    // The copy takes the lots and not their indexes: most copies are a
    // query's, brought forward to vest or expire a lot or two, and scanning
    // for those costs far less than copying or rebuilding every index.
    const Shared& from = *shared_;
    auto copy = std::make_shared<Shared>();
    copy->lots = from.lots;
    copy->removed = from.removed;
    copy->removed_count = from.removed_count;
    copy->emptied = from.emptied;
    // A query's copy goes on with the times in order (or knows they are not).
    if (from.due_list == Shared::DueList::listed) {
      copy->due.assign(from.due.begin() + static_cast<std::ptrdiff_t>(from.due_from), from.due.end());
    }
    copy->due_list = from.due_list;
    shared_ = std::move(copy);
  }
  return *shared_;
}

void Lots::index(Shared& s, Slot slot) {
  const Lot& lot = s.lots[slot];
  (lot.vests_at ? s.pending : s.available) += lot.points;
  if (!lot.order_id.empty()) s.by_order.emplace(id_hash(lot.order_id), slot);
  if (s.by_slot) {
    if (!keeps_slot_order(s, slot)) {
      leave_slot_order(s);
      return;
    }
    if (lot.vests_at) s.latest_vests_at = std::max(s.latest_vests_at, *lot.vests_at);
    s.first_held = std::min(s.first_held, slot);  // a lot put back before the cursors
    if (lot.vests_at) s.first_pending = std::min(s.first_pending, slot);
    advance_cursors(s);
    return;
  }
  index_times(s, slot);
}

void Lots::index_times(Shared& s, Slot slot) {
  const Lot& lot = s.lots[slot];
  // Hinted at the end: lots earned later mostly vest and expire later (a
  // wrong hint costs a search, as without one).
  if (lot.vests_at) s.vesting.emplace_hint(s.vesting.end(), *lot.vests_at, slot);
  SpendIndex& spend = lot.vests_at ? s.spend_pending : s.spend_available;
  spend.insert(spend.end(), spend_key(lot, slot));
}

namespace {

// How far keeps_slot_order() looks past removed lots for a held neighbour:
// lots leave from the front, so one is mostly next to the back.
constexpr std::size_t kNeighbourSearch = 8;

}  // namespace

bool Lots::keeps_slot_order(const Shared& s, Slot slot) {
  const Lot& lot = s.lots[slot];
  const SpendOrder before{&s.lots};
  const SpendKey key = spend_key(lot, slot);
  std::size_t looked = 0;
  for (Slot at = slot; at-- > s.first_held;) {
    if (++looked > kNeighbourSearch) return false;
    if (s.removed[at]) continue;
    if (!before(spend_key(s.lots[at], at), key)) return false;
    break;
  }
  looked = 0;
  for (Slot at = slot + 1; at < s.lots.size(); ++at) {
    if (++looked > kNeighbourSearch) return false;
    if (s.removed[at]) continue;
    if (!before(key, spend_key(s.lots[at], at))) return false;
    break;
  }
  if (!lot.vests_at) return true;
  if (slot + 1 == s.lots.size() && *lot.vests_at >= s.latest_vests_at) return true;  // added last, vests last
  // Else between its neighbours among the pending lots: none comes before
  // the first, which is where an undone vesting mostly puts a lot back.
  const auto pending_at = [&](Slot at) { return !s.removed[at] && s.lots[at].vests_at.has_value(); };
  if (slot > s.first_pending) {
    looked = 0;
    Slot at = slot - 1;
    while (at > s.first_pending && !pending_at(at)) {
      if (++looked > kNeighbourSearch) return false;
      --at;
    }
    if (pending_at(at) && *s.lots[at].vests_at > *lot.vests_at) return false;
  }
  Slot next = s.first_pending;
  if (slot >= s.first_pending) {
    looked = 0;
    for (next = slot + 1; next < s.lots.size() && !pending_at(next); ++next) {
      if (++looked > kNeighbourSearch) return false;
    }
  }
  return next >= s.lots.size() || *lot.vests_at <= *s.lots[next].vests_at;
}

bool Lots::in_slot_order(const Shared& s, TimeMs& latest_vests_at) {
  const SpendOrder before{&s.lots};
  bool in_order = true;
  std::optional<Slot> previous;
  std::optional<TimeMs> vests_at;  // the last pending lot's
  for_each_held(s, [&](Slot slot, const Lot& lot) {
    if (previous && !before(spend_key(s.lots[*previous], *previous), spend_key(lot, slot))) in_order = false;
    if (lot.vests_at) {
      if (vests_at && *lot.vests_at < *vests_at) in_order = false;
      vests_at = lot.vests_at;
    }
    previous = slot;
  });
  latest_vests_at = vests_at.value_or(0);
  return in_order;
}

void Lots::leave_slot_order(Shared& s) {
  s.by_slot = false;
  for_each_held(s, [&](Slot slot, const Lot&) { index_times(s, slot); });
}

Lots::Slot Lots::first_from(const Shared& s, Slot from, bool pending) {
  while (from < s.lots.size() && (s.removed[from] || (pending && !s.lots[from].vests_at))) ++from;
  return from;
}

void Lots::advance_cursors(Shared& s) {
  s.first_held = first_from(s, s.first_held, false);
  s.first_pending = first_from(s, std::max(s.first_pending, s.first_held), true);
}

namespace {

// Where an index holds `key`: mostly first, as lots leave the time and
// spending indexes about in the order they lead them; else found with one
// search (erase(key) searches twice, for the range of equal keys).
template <typename Index, typename Key>
typename Index::const_iterator held_key(const Index& index, const Key& key) {
  const auto first = index.begin();
  if (first != index.end() && !index.key_comp()(*first, key) && !index.key_comp()(key, *first)) return first;
  return index.find(key);
}

template <typename Index, typename Key>
void erase_key(Index& index, const Key& key) {
  const auto at = held_key(index, key);
  if (at != index.end()) index.erase(at);
}

}  // namespace

void Lots::unindex(Shared& s, Slot slot) {
  const Lot& lot = s.lots[slot];
  (lot.vests_at ? s.pending : s.available) -= lot.points;
  if (!lot.order_id.empty()) erase_key(s.by_order, std::make_pair(id_hash(lot.order_id), slot));
  if (s.by_slot) return;
  if (lot.vests_at) erase_key(s.vesting, std::make_pair(*lot.vests_at, slot));
  erase_key(lot.vests_at ? s.spend_pending : s.spend_available, spend_key(lot, slot));
}

void Lots::index_all(Shared& s) {
  s.removed.resize(s.lots.size(), 0);  // lots added by edit() are held
  s.available = s.pending = 0;
  s.vesting.clear();
  s.spend_available.clear();
  s.spend_pending.clear();
  s.by_order.clear();
  s.scanned = 0;
  for_each_held(s, [&](Slot slot, const Lot& lot) {
    (lot.vests_at ? s.pending : s.available) += lot.points;
    if (!lot.order_id.empty()) s.by_order.emplace(id_hash(lot.order_id), slot);
  });
  s.first_held = s.first_pending = 0;
  s.by_slot = in_slot_order(s, s.latest_vests_at);
  if (s.by_slot) advance_cursors(s);
  else leave_slot_order(s);
  s.indexed = true;
}

void Lots::compact(Shared& s) {
  s.due_list = Shared::DueList::unbuilt;  // slots renumbered
  s.removed.resize(s.lots.size(), 0);     // lots added by edit() are held
  // Slots keep their order when the removed ones leave, so each index keeps
  // its order with its keys renumbered where they are: that costs a walk of
  // the indexes, where building them again cost an insertion a key.
  std::vector<Slot> renumbered(s.lots.size());
  Slot held = 0;
  for (Slot slot = 0; slot < s.lots.size(); ++slot) {
    renumbered[slot] = held;
    if (s.removed[slot]) continue;
    if (held != slot) s.lots[held] = std::move(s.lots[slot]);
    ++held;
  }
  s.lots.erase(s.lots.begin() + static_cast<std::ptrdiff_t>(held), s.lots.end());
  s.removed.assign(held, 0);
  s.removed_count = 0;
  s.emptied.clear();
  for (Slot slot = 0; slot < s.lots.size(); ++slot) {
    if (s.lots[slot].points <= 0) s.emptied.push_back(slot);
  }
  if (!s.indexed) return;
  if (s.by_slot) {  // the cursors found again from the first lot
    s.first_held = s.first_pending = 0;
    advance_cursors(s);
  }
  // A set's keys are not const objects: changed in a way that keeps their
  // order, the set stays valid.
  for (const auto* index : {&s.vesting, &s.by_order}) {
    for (const auto& key : *index) const_cast<Slot&>(key.second) = renumbered[key.second];
  }
  for (const SpendIndex* index : {&s.spend_available, &s.spend_pending}) {
    for (const SpendKey& key : *index) const_cast<Slot&>(key.slot) = renumbered[key.slot];
  }
}

void Lots::rebuild(Shared& s) {
  compact(s);
  index_all(s);
}

Lots::Slot Lots::push_back(Lot&& lot) {
  Shared& s = own();  // unindexed lots stay so: a state being read in pays for no index
  s.due_list = Shared::DueList::unbuilt;
  s.lots.push_back(std::move(lot));
  // One more held: a push_back (a resize by one costs several times more).
  if (s.removed.size() + 1 == s.lots.size()) s.removed.push_back(0);
  else s.removed.resize(s.lots.size(), 0);
  const Slot slot = s.lots.size() - 1;
  if (s.indexed) index(s, slot);
  return slot;
}

const Lot& Lots::take(Slot slot, std::int64_t points) {
  Shared& s = own();
  Lot& lot = s.lots[slot];
  lot.points -= points;
  if (s.indexed) (lot.vests_at ? s.pending : s.available) -= points;
  if (lot.points <= 0) s.emptied.push_back(slot);
  return lot;
}

// Vesting changes neither the lot's place in spending order nor its order:
// its key moves, node and all, from the pending index to the available one.
void Lots::vest(Slot slot) {
  Shared& s = own();
  Lot& lot = s.lots[slot];
  if (!lot.vests_at) return;
  if (s.indexed && s.by_slot) {
    s.pending -= lot.points;
    s.available += lot.points;
    lot.vests_at.reset();
    advance_cursors(s);
    return;
  }
  if (s.indexed) {  // both indexes allocate from the one pool, so a node may pass between them
    erase_key(s.vesting, std::make_pair(*lot.vests_at, slot));
    // Lots vest about as they were earned, so a vested lot is mostly spent
    // after every lot already available: hinted at the end.
    const auto key = held_key(s.spend_pending, spend_key(lot, slot));
    if (key != s.spend_pending.end()) s.spend_available.insert(s.spend_available.end(), s.spend_pending.extract(key));
    s.pending -= lot.points;
    s.available += lot.points;
  }
  lot.vests_at.reset();
}

void Lots::put_back(Slot slot, Lot lot) {
  Shared& s = own();
  s.due_list = Shared::DueList::unbuilt;
  if (s.removed[slot]) {
    s.removed[slot] = 0;
    --s.removed_count;
  } else if (s.indexed) {
    unindex(s, slot);
  }
  s.lots[slot] = std::move(lot);
  if (s.indexed) index(s, slot);
}

void Lots::pop_back() {
  Shared& s = own();
  s.due_list = Shared::DueList::unbuilt;
  if (!s.removed.back()) {
    if (s.indexed) unindex(s, s.lots.size() - 1);
  } else {
    --s.removed_count;
  }
  s.lots.pop_back();
  s.removed.pop_back();
  if (s.indexed && s.by_slot) advance_cursors(s);
}

void Lots::compact_if_sparse() {
  if (!shared_ || shared_->removed_count < 16 || shared_->removed_count * 2 < shared_->lots.size()) return;
  Shared& s = own();
  if (s.indexed) compact(s);
  else rebuild(s);
}

void Lots::assign(std::vector<Lot> lots) {
  shared_next_due_.reset();
  shared_ = std::make_shared<Shared>();
  shared_->lots = std::move(lots);
  shared_->removed.assign(shared_->lots.size(), 0);
}

std::vector<Lot>& Lots::edit() {
  Shared& s = own();
  if (s.removed_count > 0) compact(s);  // the vector holds the lots and nothing else
  s.indexed = false;
  s.due_list = Shared::DueList::unbuilt;
  return s.lots;
}

bool Lots::indexes_agree() const {
  if (!shared_ || !shared_->indexed) return true;
  const Shared& s = *shared_;
  std::int64_t available = 0, pending = 0;
  std::size_t held = 0, pending_lots = 0;
  for_each_held(s, [&](Slot, const Lot& lot) {
    (lot.vests_at ? pending : available) += lot.points;
    ++held;
    if (lot.vests_at) ++pending_lots;
  });
  bool agree = available == s.available && pending == s.pending;
  if (s.by_slot) {
    TimeMs latest_vests_at = 0;
    agree = agree && in_slot_order(s, latest_vests_at) && latest_vests_at <= s.latest_vests_at &&
            s.vesting.empty() && s.spend_available.empty() && s.spend_pending.empty() &&
            std::min(s.first_held, s.lots.size()) == first_from(s, 0, false) &&
            std::min(s.first_pending, s.lots.size()) == first_from(s, 0, true);
  } else {
    agree = agree && s.vesting.size() == pending_lots && s.spend_available.size() + s.spend_pending.size() == held;
  }
  return agree;
}

std::size_t Lots::heap_bytes() const {
  if (!shared_) return 0;
  const Shared& s = *shared_;
  using namespace heap_bytes;
  std::size_t bytes = block(sizeof(Shared) + 16) + of_array(s.lots) + block(s.removed.capacity()) +
                      of_array(s.emptied) + of_array(s.due) + s.pool.chunk_bytes() + block(s.pool.chunks() * sizeof(void*));
  for (const Lot& lot : s.lots) bytes += of(lot.id) + of(lot.order_id);
  return bytes;
}

}  // namespace loyalty
