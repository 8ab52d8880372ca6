// Time passing is the same however it is split: a state brought to a later
// moment in steps, or after an event that is nothing but time, is the state
// brought there at once. Members who sync during a grace period and members
// who do not must be downgraded on the same day.
#include <gtest/gtest.h>

#include "event_sequence.hpp"

namespace loyalty {
namespace {

using namespace loyalty::testing;

constexpr TimeMs kDay = 24 * kHour;

// The state as JSON without what an event leaves of itself (its id, the
// version and the clock it sets), which no later moment reads.
std::string without_event_marks(const Program& program, const MemberState& state) {
  Json j = parse_json(state_json(program, state)).value();
  j.erase("clock");
  j.erase("version");
  j.erase("recent_events");
  return j.dump();
}

class TimePassing : public ::testing::TestWithParam<const char*> {};

TEST_P(TimePassing, IsTheSameInStepsAsAtOnceAndAfterATimePassesEvent) {
  const Engine engine = Engine::load(program_text(GetParam())).value();
  const Program& program = engine.program();
  for (std::uint64_t seed = 1; seed <= 8; ++seed) {
    Sequence s(program, 7727ULL * seed);
    for (int i = 0; i < 40; ++i) {
      s.step(s.next_event());
      if (HasFatalFailure()) return;
    }
    const MemberState& start = s.state();
    MemberState stepped = start;
    for (TimeMs at = s.now(); at < s.now() + 500 * kDay; at += 4 * kDay + 5 * kHour) {
      ASSERT_TRUE(bring_forward(program, stepped, at).ok());
      const MemberState at_once = state_at(program, start, at).value();
      ASSERT_EQ(state_json(program, stepped), state_json(program, at_once)) << "seed " << seed << " at " << at;

      MemberState after_event = start;
      Event nothing_but_time;
      nothing_but_time.id = "time";
      nothing_but_time.at = at;
      ASSERT_TRUE(apply_in_place(program, after_event, nothing_but_time).ok());
      const TimeMs later = at + 30 * kDay;
      ASSERT_EQ(without_event_marks(program, state_at(program, after_event, later).value()),
                without_event_marks(program, state_at(program, start, later).value()))
          << "seed " << seed << ": time passes at " << at << ", looked at " << later;
    }
  }
}

INSTANTIATE_TEST_SUITE_P(ExamplePrograms, TimePassing, ::testing::Values("bakery.json", "coffee.json", "beauty.json"));

}  // namespace
}  // namespace loyalty
