// What a new version of a programme does to the one before and to the
// states it wrote (`loyalty check --against`, and the check before a
// version is published).
#pragma once

#include <string>
#include <vector>

#include "loyalty/error.hpp"
#include "loyalty/json_codec.hpp"
#include "loyalty/program.hpp"
#include "progress.hpp"
#include "store.hpp"

namespace loyalty::server {

// What stops `after` from following `before`: another programme's id, a
// version that is not newer, a tier or category of `before` that `after`
// neither has nor maps in `migrate` (a state in it could not be read).
Errors version_conflicts(const Program& before, const Program& after);

// Every rule that differs, as {"path", "before"?, "after"?}: a value
// changed, added (no "before") or removed (no "after"). Lists of things
// with ids (tiers, categories, tasks, boxes, mall items, ...) are matched
// by id, so a path reads "tiers[gold].qualify.growth".
Json rule_changes(const Program& before, const Program& after);

// Every stored member's state read as `before` reads it and as `after`
// does (through its migrate), both brought to `at`: how many were read,
// which `after` cannot read (at most 20 named), and the members' tiers
// under each, as {"from", "to", "members"} for every pair that occurs.
Json states_change(const Program& before, const Program& after, Store& store, TimeMs at, Progress* progress);

}  // namespace loyalty::server
