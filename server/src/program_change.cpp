#include "program_change.hpp"

#include <map>
#include <utility>

#include "loyalty/apply.hpp"
#include "loyalty/tier.hpp"
#include "stored_state.hpp"

namespace loyalty::server {

namespace {

template <typename Item, typename Has>
void unmapped(const std::vector<Item>& before, Has has, const char* kind, const char* list, Errors& errors) {
  for (const Item& item : before) {
    if (has(item.id)) continue;
    errors.push_back({std::string("migrate.unmapped_") + kind,
                      "\"" + item.id + "\" is a " + kind + " of the version before and not of this one: map it in migrate." +
                          list + " to the " + kind + " its members' states take",
                      std::string("migrate.") + list});
  }
}

bool all_have_ids(const Json& list) {
  if (!list.is_array() || list.empty()) return false;
  for (const Json& item : list) {
    if (!item.is_object() || !item.contains("id") || !item["id"].is_string()) return false;
  }
  return true;
}

void add_change(Json& out, const std::string& path, const Json* before, const Json* after) {
  Json change = {{"path", path}};
  if (before) change["before"] = *before;
  if (after) change["after"] = *after;
  out.push_back(std::move(change));
}

void diff(const Json& before, const Json& after, const std::string& path, Json& out) {
  const auto child = [&path](const std::string& key) { return path.empty() ? key : path + "." + key; };
  if (before.is_object() && after.is_object()) {
    for (const auto& [key, value] : before.items()) {
      if (after.contains(key)) diff(value, after[key], child(key), out);
      else add_change(out, child(key), &value, nullptr);
    }
    for (const auto& [key, value] : after.items()) {
      if (!before.contains(key)) add_change(out, child(key), nullptr, &value);
    }
    return;
  }
  if (all_have_ids(before) && all_have_ids(after)) {
    const auto by_id = [](const Json& list, const std::string& id) -> const Json* {
      for (const Json& item : list) {
        if (item["id"] == id) return &item;
      }
      return nullptr;
    };
    for (const Json& item : before) {
      const std::string id = item["id"].get<std::string>();
      const std::string at = path + "[" + id + "]";
      if (const Json* now = by_id(after, id)) diff(item, *now, at, out);
      else add_change(out, at, &item, nullptr);
    }
    for (const Json& item : after) {
      const std::string id = item["id"].get<std::string>();
      if (!by_id(before, id)) add_change(out, path + "[" + id + "]", nullptr, &item);
    }
    return;
  }
  if (before != after) add_change(out, path, &before, &after);
}

}  // namespace

Errors version_conflicts(const Program& before, const Program& after) {
  Errors errors;
  if (after.id != before.id) {
    errors.push_back({"program.other_id", "this is programme \"" + after.id + "\", the published one is \"" + before.id + "\"",
                      "id"});
  }
  if (after.version <= before.version) {
    errors.push_back({"program.version_not_newer",
                      "version " + std::to_string(after.version) + " does not follow version " +
                          std::to_string(before.version) + ": give the new rules a higher version",
                      "version"});
  }
  unmapped(before.tiers, [&](const std::string& id) { return after.held_tier_index(id).has_value(); }, "tier", "tiers",
           errors);
  unmapped(before.categories, [&](const std::string& id) { return after.held_category_index(id).has_value(); },
           "category", "categories", errors);
  return errors;
}

Json rule_changes(const Program& before, const Program& after) {
  Json out = Json::array();
  Json old_rules = Json::parse(program_json(before));
  Json new_rules = Json::parse(program_json(after));
  // The version always changes, and migrate says how states move, not a rule.
  for (Json* rules : {&old_rules, &new_rules}) {
    rules->erase("version");
    rules->erase("migrate");
  }
  diff(old_rules, new_rules, "", out);
  return out;
}

Json states_change(const Program& before, const Program& after, Store& store, TimeMs at, Progress* progress) {
  std::int64_t read = 0, unreadable_count = 0;
  Json unreadable = Json::array();
  std::map<std::pair<std::string, std::string>, std::int64_t> moves;
  const auto tier_at = [at](const Program& program, const MemberState& state) -> std::optional<std::string> {
    auto brought = state_at(program, state, std::max(at, state.clock));
    if (!brought.ok()) return std::nullopt;
    return program.tiers[effective_tier(program, brought.value(), brought.value().clock)].id;
  };
  store.for_each_member([&](const MemberRow& row, const LedgerSums&) {
    if (progress) progress->step();
    auto old_state = read_stored_state(before, row.state);
    if (!old_state.ok()) return;  // not the version before's: `loyalty audit` names it
    ++read;
    auto new_state = read_stored_state(after, stored_form(before, old_state.value()));
    const auto from = tier_at(before, old_state.value());
    const auto to = new_state.ok() ? tier_at(after, new_state.value()) : std::nullopt;
    if (!from || !to) {
      if (++unreadable_count <= 20) unreadable.push_back(row.member_id);
      return;
    }
    ++moves[{*from, *to}];
  });
  Json tiers = Json::array();
  for (const auto& [pair, members] : moves) tiers.push_back({{"from", pair.first}, {"members", members}, {"to", pair.second}});
  return {{"read", read}, {"tiers", tiers}, {"unreadable", unreadable_count}, {"unreadable_members", unreadable}};
}

}  // namespace loyalty::server
