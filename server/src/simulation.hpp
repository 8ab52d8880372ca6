// `loyalty simulate`: every member's events replayed under the current
// programme and, beside it, a candidate, with what each would have cost:
// points issued, redeemed, expired and outstanding by month, the liability
// in money, breakage, tiers at the end and who moves between them, task
// and box costs, and the members a change affects most.
//
// Members are taken one at a time (the file holds each member's events
// together, as `loyalty generate` and the store write them), so memory does
// not grow with the number of members, beyond the tier_moves.csv rows of
// those who move.
#pragma once

#include <array>
#include <atomic>
#include <condition_variable>
#include <climits>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <thread>
#include <map>
#include <optional>
#include <ostream>
#include <sstream>
#include <string>
#include <vector>

#include "loyalty/json_codec.hpp"
#include "loyalty/member_state.hpp"
#include "loyalty/outcome.hpp"
#include "loyalty/program.hpp"

namespace loyalty::server {

// What one programme did over some span: points by what moved them.
struct Figures {
  std::int64_t issued = 0;       // earned by orders, tasks, gifts and prizes (pending included)
  std::int64_t redeemed = 0;     // spent at checkout, on rewards, draws and make-ups
  std::int64_t expired = 0;
  std::int64_t clawed_back = 0;  // taken back by refunds (debt included)
  std::int64_t returned = 0;     // checkout points given back by refunds
  std::int64_t red_packet_minor = 0;
  std::int64_t coupons = 0;
  std::int64_t box_chances = 0;
  // Found by a kind's name without making a string of it (a lookup a ledger row).
  std::map<std::string, std::int64_t, std::less<>> issued_by_kind;    // ledger kind -> points
  std::map<std::string, std::int64_t, std::less<>> redeemed_by_kind;  // checkout, redeem, box_cost, makeup, mall_redeem -> points
};

// Adds a ledger row to the figures of its span (also the live variant report's).
void count_ledger_entry(Figures& f, const LedgerEntry& row);
Json figures_json(const Figures& f);

// One member's lines of the file. The events stay text, read on the thread
// that replays them: with `in_lines`, each is a line of `loyalty export`'s
// file, the event under its "event", and `line_numbers` says where each was
// (a line that does not read as JSON is a bad line, reported by its number);
// otherwise the event's own JSON.
struct MemberEvents {
  std::string member_id;
  TimeMs joined_at = 0;
  std::optional<MonthDay> birthday;
  std::vector<std::string> events;
  bool in_lines = false;
  std::vector<std::int64_t> line_numbers;
};

// A line of an event file that could not be read, and why.
struct BadLine {
  std::int64_t number = 0;
  std::string problem;  // "message [code]"
};

class Simulation {
 public:
  // `candidate` may be null: the current programme's figures alone.
  Simulation(const Program& current, const Program* candidate);
  // It keeps a pointer into its own months: not copied.
  Simulation(const Simulation&) = delete;
  Simulation& operator=(const Simulation&) = delete;

  void begin_member(const std::string& member_id, TimeMs joined_at, std::optional<MonthDay> birthday = std::nullopt);
  // Applies one event under each programme; a refusal is counted, not fatal
  // (a candidate may refuse what the current programme took).
  void add_event(const JsonValue& event);
  // An event that does not read as JSON: refused under both programmes.
  void add_unreadable_event(const Error& error);
  void end_member();
  void run(const MemberEvents& member);  // begin, every event, end
  // Adds another simulation's members (of the same programmes): sums, tiers
  // and the most affected; what a report says does not depend on how the
  // members were shared out.
  void merge(const Simulation& other);

  std::int64_t members() const { return members_; }
  // The event lines that did not read as JSON, skipped (MemberEvents::in_lines).
  const std::vector<BadLine>& bad_lines() const { return bad_lines_; }
  Json report() const;  // the stable schema README's `loyalty simulate` documents
  // months.csv and tiers.csv, from the report.
  static std::string months_csv(const Json& report);
  static std::string tiers_csv(const Json& report);
  // A row for each member whose tier differs between the programmes, written
  // as members end (member_id,current,candidate,change), after a header.
  void write_moves_to(std::ostream* out);

 private:
  struct Side {
    const Program* program;
    MemberState state;
    Applied applied;  // the last event's rows and notices, its memory reused by the next
    std::int64_t issued = 0;  // by this member, for the most affected
    std::int64_t refused = 0;
    std::map<std::string, std::int64_t> refused_by_code;
    std::map<std::string, std::int64_t> tiers_at_end;
    std::int64_t outstanding = 0;
    std::int64_t member_outstanding = 0;
    // The programme's experiment split: the member's variant, and each variant's members and figures.
    std::string variant;
    struct Variant {
      std::int64_t members = 0;
      Figures total;
      std::int64_t outstanding = 0;
    };
    std::map<std::string, Variant> by_variant;
  };
  struct Affected {
    std::string member_id;
    std::array<std::int64_t, 2> issued{};
    std::array<std::string, 2> tier;
  };

  std::size_t sides() const { return candidate_ ? 2 : 1; }
  void keep_if_most_affected(const Affected& affected);
  // The figures of the local month `at` falls in ("2026-11").
  std::array<Figures, 2>& month_figures(TimeMs at);

  const Program& current_;
  const Program* candidate_;
  bool events_read_alike_;  // an event read under the current programme stands for the candidate too
  std::array<Side, 2> side_;
  std::map<std::string, std::array<Figures, 2>> by_month_;
  std::int64_t members_ = 0;
  std::int64_t events_ = 0;
  std::string member_id_;
  // Rows come in time order: the month found last, and when it begins and ends.
  std::array<Figures, 2>* month_figures_ = nullptr;
  TimeMs month_from_ = 0, month_until_ = 0;
  std::map<std::string, std::int64_t> moves_;  // "gold -> silver"
  std::array<std::int64_t, 3> changes_{};      // upgraded, kept, downgraded
  std::ostream* moves_out_ = nullptr;
  std::vector<Affected> most_affected_;        // kept to the largest kMostAffected
  std::vector<BadLine> bad_lines_;
};

// Members simulated on several threads, each with a Simulation of its own,
// merged at the end. The reader hands members over in batches; a full queue
// holds it back, so memory stays bounded.
class ParallelSimulation {
 public:
  // `moves`: keep tier_moves.csv rows (sorted by member id in moves_csv()).
  ParallelSimulation(const Program& current, const Program* candidate, unsigned threads, bool moves);
  ~ParallelSimulation();
  ParallelSimulation(const ParallelSimulation&) = delete;
  ParallelSimulation& operator=(const ParallelSimulation&) = delete;

  void add(MemberEvents member);
  Json finish();             // waits for every member, then the merged report
  std::string moves_csv();   // after finish()
  // Whether a worker has met a bad line yet (a reader that stops at the
  // first one stops handing members over), and after finish() which, in no
  // particular order.
  bool found_bad_line() const { return found_bad_line_.load(std::memory_order_relaxed); }
  const std::vector<BadLine>& bad_lines() const;

 private:
  struct Worker {
    std::unique_ptr<Simulation> simulation;
    std::ostringstream moves;
    std::thread thread;
  };
  void hand_over();
  void work(Worker& worker);

  std::vector<std::unique_ptr<Worker>> workers_;
  std::vector<MemberEvents> batch_;
  std::mutex mutex_;
  std::condition_variable changed_;
  std::deque<std::vector<MemberEvents>> queue_;
  bool done_ = false;
  std::atomic<bool> found_bad_line_{false};
};

}  // namespace loyalty::server
