#include "simulation.hpp"

#include <algorithm>
#include <cstdlib>

#include "loyalty/apply.hpp"
#include "loyalty/local_time.hpp"
#include "loyalty/tier.hpp"
#include "points_worth.hpp"

namespace loyalty::server {

namespace {

constexpr std::size_t kMostAffected = 20;
constexpr const char* kSideNames[] = {"current", "candidate"};
constexpr const char* kChangeNames[] = {"upgraded", "kept", "downgraded"};

// Whether two programmes read every event to the same Event: a line's
// category is read as its place among the categories (or an old one's, as
// migrated), and a draw's stock is checked against its box's prizes.
bool read_events_alike(const Program& a, const Program& b) {
  const auto same_id = [](const auto& x, const auto& y) { return x.id == y.id; };
  const auto same_box = [&](const Box& x, const Box& y) {
    return x.id == y.id && std::equal(x.prizes.begin(), x.prizes.end(), y.prizes.begin(), y.prizes.end(), same_id);
  };
  return std::equal(a.categories.begin(), a.categories.end(), b.categories.begin(), b.categories.end(), same_id) &&
         a.migrate.categories == b.migrate.categories &&
         std::equal(a.tasks.boxes.begin(), a.tasks.boxes.end(), b.tasks.boxes.begin(), b.tasks.boxes.end(), same_box);
}

// Points added under a name (a ledger kind's), found without making a string of it.
void add_to(std::map<std::string, std::int64_t, std::less<>>& by_name, std::string_view name, std::int64_t points) {
  if (auto it = by_name.find(name); it != by_name.end()) {
    it->second += points;
  } else {
    by_name.emplace(name, points);
  }
}

}  // namespace

void count_ledger_entry(Figures& f, const LedgerEntry& row) {
  const std::int64_t points = row.available + row.pending;
  switch (row.kind) {
    case LedgerKind::adjust:
      // Customer service's points: those taken count as clawed back, those added as issued.
      if (points < 0) {
        f.clawed_back -= points;
        break;
      }
      [[fallthrough]];
    case LedgerKind::earn:
    case LedgerKind::birthday_gift:
    case LedgerKind::checkin:
    case LedgerKind::like:
    case LedgerKind::scan:
    case LedgerKind::referral:
    case LedgerKind::task:
    case LedgerKind::box_prize:
    case LedgerKind::spokesperson:
      if (points > 0) {
        f.issued += points;
        add_to(f.issued_by_kind, ledger_kind_name(row.kind), points);
      }
      break;
    case LedgerKind::checkout:
    case LedgerKind::redeem:
    case LedgerKind::box_cost:
    case LedgerKind::mall_redeem:
    case LedgerKind::makeup:
      f.redeemed -= points;
      if (points < 0) add_to(f.redeemed_by_kind, ledger_kind_name(row.kind), -points);
      break;
    case LedgerKind::expire: f.expired -= points; break;
    case LedgerKind::clawback: f.clawed_back -= points; break;
    case LedgerKind::debt: f.clawed_back += row.debt; break;
    case LedgerKind::returned:
    case LedgerKind::mall_cancel: f.returned += points; break;
    case LedgerKind::vest:
    case LedgerKind::debt_settled:
    case LedgerKind::coupon_expired:
    case LedgerKind::tag_added:
    case LedgerKind::tag_removed: break;
  }
  if (row.red_packet > 0) f.red_packet_minor += row.red_packet;
  if (row.box_chances > 0) f.box_chances += row.box_chances;
  // Rows that take a coupon away name it too.
  if (!row.coupon.empty()) f.coupons += row.kind == LedgerKind::coupon_expired || row.kind == LedgerKind::mall_cancel ? 0 : 1;
}

namespace {

void add(Figures& into, const Figures& f) {
  into.issued += f.issued;
  into.redeemed += f.redeemed;
  into.expired += f.expired;
  into.clawed_back += f.clawed_back;
  into.returned += f.returned;
  into.red_packet_minor += f.red_packet_minor;
  into.coupons += f.coupons;
  into.box_chances += f.box_chances;
  for (const auto& [kind, points] : f.issued_by_kind) into.issued_by_kind[kind] += points;
  for (const auto& [kind, points] : f.redeemed_by_kind) into.redeemed_by_kind[kind] += points;
}

}  // namespace

Json figures_json(const Figures& f) {
  return {{"issued", f.issued},         {"redeemed", f.redeemed},       {"expired", f.expired},
          {"clawed_back", f.clawed_back}, {"returned", f.returned},     {"red_packet_minor", f.red_packet_minor},
          {"coupons", f.coupons},       {"box_chances", f.box_chances}, {"issued_by_kind", f.issued_by_kind},
          {"redeemed_by_kind", f.redeemed_by_kind}};
}

namespace {

std::string csv_field(const std::string& text) {
  if (text.find_first_of(",\"\n") == std::string::npos) return text;
  std::string quoted = "\"";
  for (char c : text) quoted += c == '"' ? std::string("\"\"") : std::string(1, c);
  return quoted + "\"";
}

}  // namespace

Simulation::Simulation(const Program& current, const Program* candidate)
    : current_(current), candidate_(candidate), events_read_alike_(candidate && read_events_alike(current, *candidate)) {
  side_[0].program = &current;
  side_[1].program = candidate;
}

std::array<Figures, 2>& Simulation::month_figures(TimeMs at) {
  if (month_figures_ && at >= month_from_ && at < month_until_) return *month_figures_;
  const std::int32_t offset = current_.utc_offset_minutes;
  const LocalDate date = local_date(at, offset);
  const std::int64_t month = month_index(date);
  month_from_ = start_of_local_day(first_day_of_month_index(month), offset);
  month_until_ = start_of_local_day(first_day_of_month_index(month + 1), offset);
  month_figures_ = &by_month_[date.iso().substr(0, 7)];  // a map's elements stay put
  return *month_figures_;
}

void Simulation::write_moves_to(std::ostream* out) {
  moves_out_ = out;
  if (out) *out << "member_id,current,candidate,change\n";
}

void Simulation::begin_member(const std::string& member_id, TimeMs joined_at, std::optional<MonthDay> birthday) {
  member_id_ = member_id;
  members_ += 1;
  for (std::size_t s = 0; s < sides(); ++s) {
    side_[s].state = MemberState();
    side_[s].state.member_id = member_id;
    side_[s].state.joined_at = joined_at;
    side_[s].state.clock = joined_at;
    side_[s].state.birthday = birthday;
    side_[s].issued = 0;
    side_[s].member_outstanding = 0;
    const Program& program = *side_[s].program;
    side_[s].variant = program.experiment ? program.experiment->variants[variant_of(*program.experiment, member_id)].id : "";
  }
}

void Simulation::add_event(const JsonValue& event) {
  events_ += 1;
  // Read once for both programmes when they read it alike.
  const Result<Event> read = event_from_json(*side_[0].program, event, "event");
  std::optional<Result<Event>> read_by_candidate;
  if (sides() == 2 && !events_read_alike_) read_by_candidate.emplace(event_from_json(*side_[1].program, event, "event"));
  for (std::size_t s = 0; s < sides(); ++s) {
    Side& side = side_[s];
    const Result<Event>& parsed = read_by_candidate && s == 1 ? *read_by_candidate : read;
    const auto errors = parsed.ok() ? apply_in_place(*side.program, side.state, parsed.value(), side.applied)
                                    : std::optional<Errors>(parsed.errors());
    if (errors) {
      side.refused += 1;
      side.refused_by_code[errors->front().code] += 1;
      continue;
    }
    for (const LedgerEntry& row : side.applied.ledger) {
      Figures& month = month_figures(row.at)[s];
      const std::int64_t issued_before = month.issued;
      count_ledger_entry(month, row);
      if (!side.variant.empty()) count_ledger_entry(side.by_variant[side.variant].total, row);
      side.issued += month.issued - issued_before;
      side.member_outstanding += row.available + row.pending - row.debt;
    }
  }
}

void Simulation::end_member() {
  Affected affected{member_id_, {}, {}};
  std::array<std::size_t, 2> rank{};
  for (std::size_t s = 0; s < sides(); ++s) {
    Side& side = side_[s];
    rank[s] = effective_tier(*side.program, side.state, side.state.clock);
    affected.tier[s] = side.program->tiers[rank[s]].id;
    affected.issued[s] = side.issued;
    side.tiers_at_end[affected.tier[s]] += 1;
    side.outstanding += side.member_outstanding;
    if (!side.variant.empty()) {
      Side::Variant& v = side.by_variant[side.variant];
      v.members += 1;
      v.outstanding += side.member_outstanding;
    }
  }
  if (!candidate_) return;
  // Up or down by place in each programme's own ladder (ids may differ between them).
  const int change = rank[1] > rank[0] ? 0 : rank[1] == rank[0] ? 1 : 2;
  changes_[static_cast<std::size_t>(change)] += 1;
  if (affected.tier[0] != affected.tier[1]) {
    moves_[affected.tier[0] + " -> " + affected.tier[1]] += 1;
    if (moves_out_) {
      *moves_out_ << csv_field(member_id_) << ',' << csv_field(affected.tier[0]) << ',' << csv_field(affected.tier[1])
                  << ',' << kChangeNames[change] << '\n';
    }
  }
  keep_if_most_affected(affected);
}

void Simulation::add_unreadable_event(const Error& error) {
  events_ += 1;
  for (std::size_t s = 0; s < sides(); ++s) {
    side_[s].refused += 1;
    side_[s].refused_by_code[error.code] += 1;
  }
}

void Simulation::run(const MemberEvents& member) {
  begin_member(member.member_id, member.joined_at, member.birthday);
  for (std::size_t i = 0; i < member.events.size(); ++i) {
    auto doc = JsonDocument::parse(member.events[i]);
    if (member.in_lines && !doc.ok()) {
      const Error& e = doc.errors().front();
      bad_lines_.push_back({i < member.line_numbers.size() ? member.line_numbers[i] : 0, e.message + " [" + e.code + "]"});
      continue;
    }
    const JsonValue* event = !doc.ok() ? nullptr : member.in_lines ? doc.value().root().find("event") : &doc.value().root();
    if (event) {
      add_event(*event);
    } else {
      add_unreadable_event(doc.ok() ? Error{"field.missing", "is required", "event"} : doc.errors().front());
    }
  }
  end_member();
}

void Simulation::merge(const Simulation& other) {
  members_ += other.members_;
  events_ += other.events_;
  for (const auto& [month, figures] : other.by_month_) {
    for (std::size_t s = 0; s < sides(); ++s) add(by_month_[month][s], figures[s]);
  }
  for (std::size_t s = 0; s < sides(); ++s) {
    side_[s].refused += other.side_[s].refused;
    side_[s].outstanding += other.side_[s].outstanding;
    for (const auto& [code, n] : other.side_[s].refused_by_code) side_[s].refused_by_code[code] += n;
    for (const auto& [tier, n] : other.side_[s].tiers_at_end) side_[s].tiers_at_end[tier] += n;
    for (const auto& [id, v] : other.side_[s].by_variant) {
      Side::Variant& mine = side_[s].by_variant[id];
      mine.members += v.members;
      mine.outstanding += v.outstanding;
      add(mine.total, v.total);
    }
  }
  for (const auto& [move, n] : other.moves_) moves_[move] += n;
  for (std::size_t c = 0; c < changes_.size(); ++c) changes_[c] += other.changes_[c];
  for (const Affected& a : other.most_affected_) keep_if_most_affected(a);
  bad_lines_.insert(bad_lines_.end(), other.bad_lines_.begin(), other.bad_lines_.end());
}

void Simulation::keep_if_most_affected(const Affected& affected) {
  const auto gap = [](const Affected& a) { return std::llabs(a.issued[1] - a.issued[0]); };
  const auto larger = [&](const Affected& a, const Affected& b) {
    return gap(a) != gap(b) ? gap(a) > gap(b) : a.member_id < b.member_id;
  };
  if (most_affected_.size() < kMostAffected || larger(affected, most_affected_.back())) {
    most_affected_.insert(std::upper_bound(most_affected_.begin(), most_affected_.end(), affected, larger), affected);
    if (most_affected_.size() > kMostAffected) most_affected_.pop_back();
  }
}

Json Simulation::report() const {
  Json report = {{"members", members_}, {"events", events_}};
  Json programmes = Json::object();
  std::array<Figures, 2> total;
  for (const auto& [month, figures] : by_month_) {
    for (std::size_t s = 0; s < sides(); ++s) add(total[s], figures[s]);
  }
  for (std::size_t s = 0; s < sides(); ++s) {
    const Side& side = side_[s];
    const std::int64_t outstanding = side.outstanding;
    programmes[kSideNames[s]] = {
        {"id", side.program->id},
        {"version", side.program->version},
        {"currency", {{"code", side.program->currency.code}, {"minor_units", side.program->currency.minor_units}}},
        {"refused_events", side.refused},
        {"refused_by_code", side.refused_by_code},
        {"total", figures_json(total[s])},
        {"outstanding_points", outstanding},
        {"liability_minor", points_worth_minor(*side.program, outstanding)},
        // Points that lapsed, per thousand issued.
        {"breakage_per_mille", total[s].issued > 0 ? total[s].expired * 1000 / total[s].issued : 0},
        {"tiers_at_end", side.tiers_at_end},
    };
    if (side.program->experiment) {
      Json variants = Json::object();
      for (const ExperimentVariant& v : side.program->experiment->variants) {
        const auto it = side.by_variant.find(v.id);
        const Side::Variant figures = it == side.by_variant.end() ? Side::Variant{} : it->second;
        variants[v.id] = {{"members", figures.members}, {"total", figures_json(figures.total)},
                          {"outstanding_points", figures.outstanding},
                          {"liability_minor", points_worth_minor(*side.program, figures.outstanding)}};
      }
      programmes[kSideNames[s]]["by_variant"] = variants;
    }
  }
  report["programmes"] = programmes;
  // Each month with what is outstanding at its end (every movement so far, summed) and its worth.
  Json months = Json::array();
  std::array<std::int64_t, 2> running{};
  for (const auto& [month, figures] : by_month_) {
    Json row = {{"month", month}};
    for (std::size_t s = 0; s < sides(); ++s) {
      const Figures& f = figures[s];
      running[s] += f.issued + f.returned - f.redeemed - f.expired - f.clawed_back;
      row[kSideNames[s]] = figures_json(f);
      row[kSideNames[s]]["outstanding"] = running[s];
      row[kSideNames[s]]["liability_minor"] = points_worth_minor(*side_[s].program, running[s]);
    }
    months.push_back(row);
  }
  report["months"] = months;
  if (candidate_) {
    report["tier_changes"] = {{"upgraded", changes_[0]}, {"kept", changes_[1]}, {"downgraded", changes_[2]}};
    report["tier_moves"] = moves_;
    Json affected = Json::array();
    for (const Affected& a : most_affected_) {
      affected.push_back({{"member_id", a.member_id},
                          {"issued", {{"current", a.issued[0]}, {"candidate", a.issued[1]}}},
                          {"tier", {{"current", a.tier[0]}, {"candidate", a.tier[1]}}}});
    }
    report["most_affected"] = affected;
  }
  return report;
}

std::string Simulation::months_csv(const Json& report) {
  static const char* const kColumns[] = {"issued",           "redeemed", "expired",     "clawed_back", "returned",
                                         "red_packet_minor", "coupons",  "box_chances", "outstanding", "liability_minor"};
  std::string csv = "month,programme";
  for (const char* c : kColumns) csv += std::string(",") + c;
  csv += "\n";
  for (const Json& row : report.at("months")) {
    for (const char* side : kSideNames) {
      if (!row.contains(side)) continue;
      csv += row.at("month").get<std::string>() + "," + side;
      for (const char* c : kColumns) csv += "," + std::to_string(row.at(side).at(c).get<std::int64_t>());
      csv += "\n";
    }
  }
  return csv;
}

std::string Simulation::tiers_csv(const Json& report) {
  std::string csv = "programme,tier,members\n";
  for (const char* side : kSideNames) {
    if (!report.at("programmes").contains(side)) continue;
    for (const auto& [tier, members] : report.at("programmes").at(side).at("tiers_at_end").items()) {
      csv += std::string(side) + "," + csv_field(tier) + "," + std::to_string(members.get<std::int64_t>()) + "\n";
    }
  }
  return csv;
}

constexpr std::size_t kBatchMembers = 16;
constexpr std::size_t kQueuedBatches = 4;

ParallelSimulation::ParallelSimulation(const Program& current, const Program* candidate, unsigned threads, bool moves) {
  for (unsigned t = 0; t < std::max(threads, 1u); ++t) {
    auto worker = std::make_unique<Worker>();
    worker->simulation = std::make_unique<Simulation>(current, candidate);
    if (moves) worker->simulation->write_moves_to(&worker->moves);
    workers_.push_back(std::move(worker));
  }
  for (auto& worker : workers_) worker->thread = std::thread([this, w = worker.get()] { work(*w); });
}

ParallelSimulation::~ParallelSimulation() {
  {
    std::lock_guard<std::mutex> hold(mutex_);
    done_ = true;
    queue_.clear();
  }
  changed_.notify_all();
  for (auto& worker : workers_) {
    if (worker->thread.joinable()) worker->thread.join();
  }
}

void ParallelSimulation::add(MemberEvents member) {
  batch_.push_back(std::move(member));
  if (batch_.size() >= kBatchMembers) hand_over();
}

void ParallelSimulation::hand_over() {
  if (batch_.empty()) return;
  std::unique_lock<std::mutex> hold(mutex_);
  changed_.wait(hold, [&] { return queue_.size() < kQueuedBatches; });
  queue_.push_back(std::move(batch_));
  batch_.clear();
  changed_.notify_all();
}

void ParallelSimulation::work(Worker& worker) {
  for (;;) {
    std::vector<MemberEvents> batch;
    {
      std::unique_lock<std::mutex> hold(mutex_);
      changed_.wait(hold, [&] { return done_ || !queue_.empty(); });
      if (queue_.empty()) return;
      batch = std::move(queue_.front());
      queue_.pop_front();
    }
    changed_.notify_all();
    for (const MemberEvents& member : batch) worker.simulation->run(member);
    if (!worker.simulation->bad_lines().empty()) found_bad_line_.store(true, std::memory_order_relaxed);
  }
}

Json ParallelSimulation::finish() {
  hand_over();
  {
    std::lock_guard<std::mutex> hold(mutex_);
    done_ = true;
  }
  changed_.notify_all();
  for (auto& worker : workers_) worker->thread.join();
  for (std::size_t w = 1; w < workers_.size(); ++w) workers_[0]->simulation->merge(*workers_[w]->simulation);
  return workers_[0]->simulation->report();
}

const std::vector<BadLine>& ParallelSimulation::bad_lines() const {
  return workers_[0]->simulation->bad_lines();  // merged into it by finish()
}

std::string ParallelSimulation::moves_csv() {
  std::vector<std::string> rows;
  std::string header;
  for (auto& worker : workers_) {
    std::istringstream lines(worker->moves.str());
    std::string line;
    if (std::getline(lines, line)) header = line;  // each worker's stream starts with it
    while (std::getline(lines, line)) rows.push_back(line);
  }
  std::sort(rows.begin(), rows.end());
  std::string csv = header + "\n";
  for (const std::string& row : rows) csv += row + "\n";
  return csv;
}

}  // namespace loyalty::server
