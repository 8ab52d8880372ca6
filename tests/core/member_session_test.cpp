// Member sessions answer as the stateless calls, byte for byte: over random
// event sequences on the example programmes, after every apply, at moments
// on both sides of vesting, expiry and evaluations, asked out of order so
// that what the session keeps ready is reused and renewed.
#include <gtest/gtest.h>

#include "event_sequence.hpp"
#include "loyalty/member_session.hpp"

namespace loyalty {
namespace {

using namespace loyalty::testing;

constexpr TimeMs kDay = 24 * kHour;

// The state as a stateless request field.
std::string with_state(const std::string& state, const std::string& rest) {
  return "{\"state\":" + state + "," + rest + "}";
}

// Every member query at `at`, session against stateless.
void expect_same_answers(const Engine& engine, MemberSession& member, const std::string& state, TimeMs at) {
  const std::string t = "\"at\":" + std::to_string(at);
  const std::string cart = "\"cart\":{\"lines\":[{\"sku\":\"sku0\",\"category\":\"" + engine.program().categories[0].id +
                           "\",\"unit_price\":4321,\"quantity\":3}]}";
  const std::string products = "\"products\":[{\"sku\":\"p\",\"category\":\"" + engine.program().categories[0].id +
                               "\",\"unit_price\":999,\"quantity\":1}]";
  const std::pair<const char*, std::string> queries[] = {
      {"preview_order", cart + "," + t},
      {"preview_listing", products + "," + t},
      {"tier_progress", t},
      {"points_summary", t + ",\"horizon_days\":45"},
      {"redemption_preview", t + ",\"order_total\":50000"},
      {"lifecycle", t},
      {"checkin_calendar", t},
      {"task_overview", t},
  };
  for (const auto& [op, rest] : queries) {
    ASSERT_EQ(engine.call(member, op, "{" + rest + "}"), engine.call(op, with_state(state, rest))) << op << " at " << at;
  }
  // The typed forms a host with numbers in hand uses: the same bytes.
  for (const char* op : {"tier_progress", "lifecycle", "checkin_calendar", "task_overview", "points_summary"}) {
    ASSERT_EQ(engine.call(member, op, at), engine.call(member, op, "{" + t + "}")) << op << " at " << at;
  }
  const CartLine line{"sku0", 0, 4321, 3};
  auto points = member.points(&line, 1, at);
  auto preview = engine.call("preview_order", with_state(state, cart + "," + t));
  ASSERT_EQ(engine.preview_order(member, Cart{{line}}, at), preview) << "at " << at;
  if (points.ok()) EXPECT_NE(preview.find("\"points\":" + std::to_string(points.value()) + ",\"progress\""), std::string::npos);
  // Tier progress holds until the time the session says, and no further is promised.
  auto until = member.tier_progress_until(at);
  if (!until.ok()) return;
  ASSERT_GT(until.value(), at);
  const std::string progress = engine.call("tier_progress", with_state(state, t));
  for (TimeMs later : {at + 1, (at + until.value()) / 2, until.value() - 1}) {
    ASSERT_EQ(engine.call("tier_progress", with_state(state, "\"at\":" + std::to_string(later))), progress)
        << "at " << at << " until " << until.value() << " asked at " << later;
  }
}

class MemberSessions : public ::testing::TestWithParam<const char*> {};

TEST_P(MemberSessions, AnswerAsTheStatelessCallsAfterEveryApply) {
  const Engine engine = Engine::load(program_text(GetParam())).value();
  const Program& program = engine.program();
  constexpr int kSequences = 16;  // x3 programmes x14 events x5 moments x9 queries (a stateless call reads the state each time)
  constexpr int kEvents = 14;
  for (int seq = 0; seq < kSequences; ++seq) {
    Sequence s(program, 7919ULL * static_cast<std::uint64_t>(seq + 1));
    MemberSession member(engine.shared_program(), s.state());
    for (int i = 0; i < kEvents; ++i) {
      const Event e = s.next_event();
      const std::string before = state_json(program, s.state());
      s.step(e);
      if (HasFatalFailure()) return;
      auto applied = member.apply(e);
      const std::string after = state_json(program, s.state());
      ASSERT_EQ(applied.ok(), before != after || (applied.ok() && applied.value().duplicate)) << "event " << e.id;
      ASSERT_EQ(state_json(program, member.state()), after) << "sequence " << seq << " event " << i;
      const TimeMs now = s.now();
      for (TimeMs at : {now + 2 * kDay, now, now + 40 * kDay, now + kHour, now + 400 * kDay}) {
        expect_same_answers(engine, member, after, at);
        if (HasFatalFailure()) {
          ADD_FAILURE() << "sequence " << seq << " event " << i;
          return;
        }
      }
    }
  }
}

// A member centre left open: asked again each new day, the session goes on
// from the copy it brought forward last (bring_forward) rather than from the
// held state; every day's answers are still the stateless ones.
TEST_P(MemberSessions, AnswerAsTheStatelessCallsDayAfterDayWithoutAnApply) {
  const Engine engine = Engine::load(program_text(GetParam())).value();
  Sequence s(engine.program(), 104729ULL);
  for (int i = 0; i < 60; ++i) {
    s.step(s.next_event());
    if (HasFatalFailure()) return;
  }
  MemberSession member(engine.shared_program(), s.state());
  const std::string state = state_json(engine.program(), s.state());
  for (TimeMs at = s.now(); at < s.now() + 400 * kDay; at += kDay + 7 * kHour) {
    for (const char* op : {"tier_progress", "points_summary", "lifecycle"}) {
      ASSERT_EQ(engine.call(member, op, at), engine.call(op, with_state(state, "\"at\":" + std::to_string(at))))
          << op << " at " << at;
    }
  }
}

INSTANTIATE_TEST_SUITE_P(ExamplePrograms, MemberSessions, ::testing::Values("bakery.json", "coffee.json", "beauty.json"));

TEST(MemberSessions, ARefusedEventLeavesTheHeldStateAsItWas) {
  const Engine engine = Engine::load(program_text("bakery.json")).value();
  auto member = engine.open_member("{\"member_id\":\"m\",\"growth\":10}").value();
  const std::string before = state_json(engine.program(), member.state());
  const std::string answer = engine.call(member, "apply",
      "{\"event\":{\"id\":\"r\",\"type\":\"redeem\",\"at\":1795276800000,\"points\":900,\"reward_id\":\"cake\"}}");
  EXPECT_NE(answer.find("points.insufficient"), std::string::npos);
  EXPECT_EQ(state_json(engine.program(), member.state()), before);
}

// A recall offer opens and closes at any moment of a day, not at midnight:
// the session prices by the offer open at the moment asked, as the
// stateless call does (bakery.json: x3 from 90 days asleep, for 14 days).
TEST(MemberSessions, APreviewUsesTheRecallOfferOpenAtTheMomentAskedWithinADay) {
  const Engine engine = Engine::load(program_text("bakery.json")).value();
  const TimeMs ordered = 1767261600000;  // 2026-01-01 18:00 local
  auto member = engine.open_member(R"({"member_id":"m","joined_at":1767196800000})").value();
  ASSERT_TRUE(member.apply(Event{"o1", ordered, EventKind::order, "o1", Cart{{CartLine{"loaf", 0, 5000, 1}}}}).ok());
  const std::string state = state_json(engine.program(), member.state());
  const TimeMs asleep = ordered + 90 * kDay, closes = asleep + 14 * kDay;
  const CartLine line{"loaf", 0, 5000, 1};
  for (TimeMs at : {asleep - 1, asleep, asleep + 1, closes - 1, closes}) {
    expect_same_answers(engine, member, state, at);
    if (HasFatalFailure()) return;
    const bool open = at >= asleep && at < closes;
    EXPECT_EQ(member.points(&line, 1, at).value(), open ? 300 : 100) << "at " << at;
  }
}

TEST(MemberSessions, AQueryBeforeTheHeldClockIsRefused) {
  const Engine engine = Engine::load(program_text("bakery.json")).value();
  auto member = engine.open_member("{\"clock\":1795276800000}").value();
  EXPECT_NE(engine.call(member, "tier_progress", "{\"at\":1795276799999}").find("event.out_of_order"), std::string::npos);
  EXPECT_NE(engine.call(member, "tier_progress", "{\"at\":1795276800000}").find("\"ok\":true"), std::string::npos);
}

}  // namespace
}  // namespace loyalty
