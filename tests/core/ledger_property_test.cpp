// Property tests over seeded random event sequences (orders with checkout
// points, partial and full refunds, redemptions, birthdays, paid membership,
// long gaps of time, retries and late events) on the example programmes:
//  - after every event, per column, the ledger sums to the state, every
//    invariant of invariants.hpp holds, and the snapshot round-trips;
//  - replaying the same events gives the same bytes;
//  - an event applied again by id changes nothing; a refused one neither.
#include "event_sequence.hpp"

namespace loyalty {
namespace {

using namespace loyalty::testing;

using testing::SplitMix64;

class LedgerProperties : public ::testing::TestWithParam<const char*> {};

TEST_P(LedgerProperties, InvariantsHoldReplayIsExactAndRetriesChangeNothing) {
  const Program program = load(GetParam());
  constexpr int kSequences = 3400;  // x3 programmes: over 10,000 sequences
  constexpr int kEvents = 14;
  std::int64_t applied = 0;
  for (int seq = 0; seq < kSequences; ++seq) {
    Sequence s(program, 1000003ULL * static_cast<std::uint64_t>(seq + 1));
    const bool replayed = seq % 50 == 0;
    s.start(replayed);
    for (int i = 0; i < kEvents; ++i) {
      const Event e = s.next_event();
      s.step(e);
      if (HasFatalFailure()) {
        ADD_FAILURE() << "sequence " << seq << " event " << i;
        return;
      }
      if (i % 5 == 4) s.check_retry_changes_nothing();
      if (HasFatalFailure()) return;
      ++applied;
    }
    s.check_snapshot_round_trips();
    if (HasFatalFailure()) return;
    if (replayed) ASSERT_EQ(s.replay_text(), s.ledger_text()) << "replay differs, sequence " << seq;
  }
  RecordProperty("events", static_cast<int>(applied));
  std::string kinds;
  for (int n : ledger_counts) kinds += std::to_string(n) + " ";
  RecordProperty("ledger_kinds", kinds);
  std::string notices;
  for (int n : notice_counts) notices += std::to_string(n) + " ";
  RecordProperty("notice_kinds", notices);
  ledger_counts = {};
  notice_counts = {};
}

INSTANTIATE_TEST_SUITE_P(ExamplePrograms, LedgerProperties,
                         ::testing::Values("bakery.json", "coffee.json", "beauty.json"));

TEST(LedgerProperties, AnEventBeforeTheStateClockIsRefusedAndChangesNothing) {
  const Program program = load("coffee.json");
  MemberState s;
  s.clock = kStart + 10 * kHour;
  Event e;
  e.id = "late";
  e.at = kStart;
  e.kind = EventKind::time_passes;
  auto r = apply(program, s, e);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.errors()[0].code, "event.out_of_order");
}

}  // namespace
}  // namespace loyalty
