#include "variant_report.hpp"

#include <map>
#include <vector>

#include "loyalty/local_time.hpp"
#include "loyalty/segments.hpp"
#include "simulation.hpp"

namespace loyalty::server {

namespace {

const std::map<std::string, LedgerKind, std::less<>>& kinds_by_name() {
  static const auto* kinds = [] {
    auto* map = new std::map<std::string, LedgerKind, std::less<>>();
    for (int k = 0; k <= static_cast<int>(kLastLedgerKind); ++k) {
      map->emplace(ledger_kind_name(static_cast<LedgerKind>(k)), static_cast<LedgerKind>(k));
    }
    return map;
  }();
  return *kinds;
}

// A stored row as the core wrote it: its columns, and from its entry the
// task rewards the figures count.
std::optional<LedgerEntry> entry_of(const LedgerRow& row) {
  const auto kind = kinds_by_name().find(row.kind);
  if (kind == kinds_by_name().end()) return std::nullopt;
  LedgerEntry entry(row.event_id, row.at, kind->second, row.available, row.pending, row.debt);
  auto parsed = parse_json(row.entry_json);
  if (parsed.ok() && parsed.value().is_object()) {
    const Json& j = parsed.value();
    entry.red_packet = j.value("red_packet", std::int64_t{0});
    entry.box_chances = j.value("box_chances", std::int64_t{0});
    entry.coupon = j.value("coupon", std::string());
  }
  return entry;
}

// Every row of the local days asked, counted in all and, under an
// experiment, for its member's variant; in one scan of the ledger.
struct WindowFigures {
  Figures all;
  std::int64_t members = 0;
  std::vector<Figures> by_variant;
  std::vector<std::int64_t> variant_members;
  std::int64_t unread = 0;  // rows of a kind a newer server wrote
};

WindowFigures count_window(const Program& program, Store& store, std::int64_t from_day, std::int64_t to_day) {
  WindowFigures w;
  const Experiment* experiment = program.experiment ? &*program.experiment : nullptr;
  if (experiment) {
    w.by_variant.resize(experiment->variants.size());
    w.variant_members.resize(experiment->variants.size(), 0);
  }
  std::string last_member;
  std::size_t variant = 0;
  store.for_each_ledger_row(start_of_local_day(from_day, program.utc_offset_minutes),
                            start_of_local_day(to_day + 1, program.utc_offset_minutes),
                            [&](const std::string& member_id, const LedgerRow& row) {
                              if (member_id != last_member) {  // rows come member by member
                                last_member = member_id;
                                ++w.members;
                                if (experiment) {
                                  variant = variant_of(*experiment, member_id);
                                  ++w.variant_members[variant];
                                }
                              }
                              const auto entry = entry_of(row);
                              if (!entry) {
                                ++w.unread;
                                return;
                              }
                              count_ledger_entry(w.all, *entry);
                              if (experiment) count_ledger_entry(w.by_variant[variant], *entry);
                            });
  return w;
}

Json variants_json(const Experiment& experiment, const WindowFigures& w) {
  Json variants = Json::object();
  for (std::size_t v = 0; v < experiment.variants.size(); ++v) {
    Json one = figures_json(w.by_variant[v]);
    one["members_with_rows"] = w.variant_members[v];
    one["share_bp"] = experiment.variants[v].share_bp;
    variants[experiment.variants[v].id] = std::move(one);
  }
  return variants;
}

Json window_json(const Program& program, std::int64_t from_day, std::int64_t to_day, const WindowFigures& w) {
  return {{"from", date_from_day_number(from_day).iso()},
          {"to", date_from_day_number(to_day).iso()},
          {"program", {{"id", program.id}, {"version", program.version}}},
          {"unread_rows", w.unread}};
}

}  // namespace

Json variant_report(const Program& program, Store& store, std::int64_t from_day, std::int64_t to_day) {
  const WindowFigures w = count_window(program, store, from_day, to_day);
  Json report = window_json(program, from_day, to_day, w);
  report["experiment"] = program.experiment->id;
  report["variants"] = variants_json(*program.experiment, w);
  return report;
}

Json activity_report(const Program& program, Store& store, std::int64_t from_day, std::int64_t to_day) {
  const WindowFigures w = count_window(program, store, from_day, to_day);
  Json report = window_json(program, from_day, to_day, w);
  report["figures"] = figures_json(w.all);
  report["members_with_rows"] = w.members;
  if (program.experiment) {
    report["experiment"] = program.experiment->id;
    report["variants"] = variants_json(*program.experiment, w);
  }
  return report;
}

}  // namespace loyalty::server
