// The in-place apply() against the copy-and-scan reference it replaced
// (reference/reference_apply.cpp), state by state: over 100,000 seeded
// random sequences on the three example programmes (and one with points
// that vest), every event must give
// the same acceptance or the same errors, the same ledger rows and notices,
// and the same state bytes; a refused event must leave the state as it was.
#include <cstdlib>

#include "event_sequence.hpp"
#include "loyalty/checked_math.hpp"
#include "loyalty/state_snapshot.hpp"
#include "reference/reference_apply.hpp"

namespace loyalty {
namespace {

using namespace loyalty::testing;

std::string rows_json(const Program& program, std::vector<LedgerEntry> ledger, std::vector<Notice> notices,
                      bool duplicate) {
  Outcome o;
  o.ledger = std::move(ledger);
  o.notices = std::move(notices);
  o.duplicate = duplicate;
  return outcome_json(program, o);
}

std::string errors_text(const Errors& errors) {
  std::string text;
  for (const Error& e : errors) text += e.code + " " + e.path + " " + e.message + "\n";
  return text;
}

// An example programme, or (a name ending in "+pending") the same with
// points pending for three days: lots vest, and vesting pays debt.
Program program_named(const std::string& name) {
  const std::string file = name.substr(0, name.find('+'));
  if (file == name) return load(file);
  Json text = Json::parse(program_text(file));
  text["earning"]["pending_days"] = 3;
  return Engine::load(text.dump()).value().program();
}

// 26,000 a programme, x4: over 100,000 sequences. The sanitised build runs
// fewer (LOYALTY_DIFFERENTIAL_SEQUENCES, set by scripts/test.sh): all of them
// there would take twenty minutes; the optimised build runs them all.
int sequences_per_programme() {
  const char* set = std::getenv("LOYALTY_DIFFERENTIAL_SEQUENCES");
  return set ? std::max(1, std::atoi(set)) : 26000;
}

class ApplyDifferential : public ::testing::TestWithParam<const char*> {};

TEST_P(ApplyDifferential, InPlaceApplyGivesTheReferenceBytesAfterEveryEvent) {
  const Program program = program_named(GetParam());
  const int kSequences = sequences_per_programme();
  std::int64_t events = 0, refused = 0;
  // Odd sequences apply into one outcome the whole run reuses, as a replay
  // does: what an event left there must never show in the next one's.
  Applied reused;
  for (int seq = 0; seq < kSequences; ++seq) {
    const std::uint64_t seed = 7919ULL * static_cast<std::uint64_t>(seq + 1);
    Sequence s(program, seed, /*newer=*/false);
    MemberState expected = s.state();
    MemberState held = s.state();
    // Mostly short sequences from a new member; now and then a long one, whose state grows large.
    const int length = seq % 500 == 0 ? 400 : 1 + static_cast<int>(seed % 23);
    for (int i = 0; i < length; ++i) {
      Event e = s.next_event();
      // Now and then an event that was applied already.
      if (i > 0 && seed % 7 == 0 && i % 5 == 0 && !expected.recent_events.empty()) e.id = expected.recent_events.back();
      auto want = reference::apply(program, expected, e);
      Result<Applied> got = Errors{};
      if (seq % 2 == 0) {
        got = apply_in_place(program, held, e);
      } else if (auto errors = apply_in_place(program, held, e, reused)) {
        ASSERT_TRUE(reused.ledger.empty() && reused.notices.empty()) << "sequence " << seq << " event " << i;
        got = *std::move(errors);
      } else {
        got = reused;
      }
      ++events;
      ASSERT_EQ(want.ok(), got.ok()) << "sequence " << seq << " event " << i << ": "
                                     << (want.ok() ? errors_text(got.errors()) : errors_text(want.errors()));
      if (want.ok()) {
        Outcome o = std::move(want).value();
        Applied a = std::move(got).value();
        ASSERT_EQ(rows_json(program, a.ledger, a.notices, a.duplicate),
                  rows_json(program, o.ledger, o.notices, o.duplicate))
            << "sequence " << seq << " event " << i;
        expected = std::move(o.state);
      } else {
        ++refused;
        ASSERT_EQ(errors_text(got.errors()), errors_text(want.errors())) << "sequence " << seq << " event " << i;
      }
      ASSERT_EQ(state_snapshot(program, held), state_snapshot(program, expected))
          << "sequence " << seq << " event " << i << " (" << (want.ok() ? "applied" : "refused") << ")";
      s.follow(expected);
    }
  }
  RecordProperty("events", static_cast<int>(events));
  RecordProperty("refused", static_cast<int>(refused));
  EXPECT_GT(refused, events / 50) << "the sequences should reach refusals part-way through an event";
}

INSTANTIATE_TEST_SUITE_P(ExamplePrograms, ApplyDifferential,
                         ::testing::Values("bakery.json", "coffee.json", "beauty.json", "coffee.json+pending"));

}  // namespace
}  // namespace loyalty

namespace loyalty {
namespace {

using namespace loyalty::testing;

// A member who joined at kStart, its clock there.
MemberState member_at_start() {
  MemberState state;
  state.member_id = "m-1";
  state.joined_at = kStart;
  state.clock = kStart;
  return state;
}

// Debt paid in full by the first lot to vest removes it, and the lots that
// vest at the same moment keep the order they have always had in the ledger.
TEST(ApplyDifferential, LotsVestingTogetherWhileDebtIsPaidKeepTheirLedgerOrder) {
  const Program program = program_named("coffee.json+pending");
  MemberState state = member_at_start();
  state.debt = 5;
  const TimeMs vests = kStart + 3 * 24 * kHour;
  for (const auto& [id, points] : {std::pair{"a", 5}, {"b", 10}, {"c", 10}, {"d", 7}}) {
    state.lots.push_back({id, kStart, points, vests + 300 * 24 * kHour, vests, ""});
  }
  Event e;
  e.id = "tick";
  e.kind = EventKind::time_passes;
  e.at = vests + kHour;
  auto want = reference::apply(program, state, e);
  MemberState held = state;
  auto got = apply_in_place(program, held, e);
  ASSERT_TRUE(want.ok());
  ASSERT_TRUE(got.ok());
  const Outcome& o = want.value();
  EXPECT_EQ(rows_json(program, got.value().ledger, {}, false), rows_json(program, o.ledger, {}, false));
  EXPECT_EQ(state_snapshot(program, held), state_snapshot(program, o.state));
  EXPECT_EQ(o.ledger.size(), 5u) << "vest a, the debt settled from a, and b, c, d vested";
}

// A like is refused only after the article entered the list (its reward
// would overflow the balance): the list, the day's counters and the rest are
// as they were.
TEST(ApplyDifferential, ALikeRefusedPartWayLeavesTheStateAsItWas) {
  const Program program = load("bakery.json");
  MemberState state = member_at_start();
  state.lots.push_back({"rich", kStart, kMaxSafeInteger - 1, std::nullopt, std::nullopt, ""});
  state.tasks.liked = {"a1", "a3"};
  Event e;
  e.id = "like";
  e.kind = EventKind::like;
  e.article = "a2";
  e.at = kStart + kHour;
  auto want = reference::apply(program, state, e);
  MemberState held = state;
  auto got = apply_in_place(program, held, e);
  ASSERT_FALSE(want.ok());
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.errors()[0].code, "arith.overflow");
  EXPECT_EQ(errors_text(got.errors()), errors_text(want.errors()));
  EXPECT_EQ(held.tasks.liked, (TextSet{"a1", "a3"}));
  EXPECT_EQ(state_snapshot(program, held), state_snapshot(program, state));
}


// The task state's lists are noted by what changes them rather than copied
// (core/src/state_undo.hpp). Each event below changes one of them and is then
// refused, its reward overflowing a balance near the safe maximum: every list
// is as it was, and the reference agrees.
TEST(ApplyDifferential, TaskEventsRefusedPartWayLeaveEveryTaskListAsItWas) {
  Json text = Json::parse(program_text("bakery.json"));
  text["tasks"]["referral"]["reward_on"] = "join";
  const Program bakery = load("bakery.json");
  const Program paid_on_join = Engine::load(text.dump()).value().program();
  const TimeMs day = 24 * kHour;
  const TimeMs november = kStart + 310 * day;  // inside the weekly share task's dates

  MemberState rich = member_at_start();
  rich.lots.push_back({"rich", kStart, kMaxSafeInteger - 10, std::nullopt, std::nullopt, ""});
  const std::int64_t today = local_day_number(november, bakery.utc_offset_minutes);
  rich.tasks.checkin = CheckinCycle{today - 2, {today - 2, today - 1}, {}, 0};
  rich.tasks.invitees = {{"friend-1", false}, {"friend-2", true}};
  rich.tasks.coupons = {{"WELCOME-10", "old-gift", kStart, kStart + 30 * day}, {"LATER", "gift", kStart, november + 60 * day}};

  struct Case {
    const char* what;
    const Program* program;
    EventKind kind;
    std::string other_member;
    ReferralStage stage;
    bool cycle_over = false;
  };
  const std::vector<Case> cases = {
      {"a check-in joins the cycle where it stands", &bakery, EventKind::checkin, "", ReferralStage::joined},
      {"a check-in replaces a cycle that is over", &bakery, EventKind::checkin, "", ReferralStage::joined, true},
      {"a referral rewards an invitee held", &bakery, EventKind::referral, "friend-1", ReferralStage::first_order},
      {"a referral adds and rewards an invitee", &paid_on_join, EventKind::referral, "friend-3", ReferralStage::joined},
      {"a referred member gains an inviter", &paid_on_join, EventKind::referred, "inviter-1", ReferralStage::joined},
      {"a share completes the weekly task", &bakery, EventKind::share, "", ReferralStage::joined},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.what);
    MemberState state = rich;
    if (c.cycle_over) {  // a new cycle's first day pays 5 points: the balance is nearer the maximum
      state.tasks.checkin = CheckinCycle{today - 30, {today - 30, today - 29}, {}, 0};
      state.lots.edit().back().points = kMaxSafeInteger - 1;
    }
    if (c.kind == EventKind::share) {
      const std::int64_t monday = today - ((today % 7) + 10) % 7;  // 1970-01-01 was a Thursday
      state.tasks.progress = {{"share-3-weekly", monday, 2, false, {"a1", "a2"}}};
    }
    Event e;
    e.id = "refused";
    e.kind = c.kind;
    e.at = november + 9 * kHour;
    e.other_member = c.other_member;
    e.stage = c.stage;
    e.article = "a3";
    auto want = reference::apply(*c.program, state, e);
    MemberState held = state;
    auto got = apply_in_place(*c.program, held, e);
    ASSERT_FALSE(want.ok());
    ASSERT_FALSE(got.ok());
    EXPECT_EQ(got.errors()[0].code, "arith.overflow");
    EXPECT_EQ(errors_text(got.errors()), errors_text(want.errors()));
    EXPECT_EQ(held.tasks.coupons.size(), 2u) << "the coupon that fell due on the way is held again";
    EXPECT_EQ(state_snapshot(*c.program, held), state_snapshot(*c.program, state));
  }
}

}  // namespace
}  // namespace loyalty
