// Tasks and games inside apply(): check-in, make-up, like, share, scan,
// referral, box, mall and spokesperson events, the rewards they grant and the limited-time
// tasks every counted action advances. Internal to the core.
#pragma once

#include <optional>
#include <string>

#include "loyalty/error.hpp"
#include "loyalty/event.hpp"
#include "loyalty/local_time.hpp"
#include "loyalty/outcome.hpp"
#include "loyalty/points_ledger.hpp"
#include "loyalty/program.hpp"
#include "loyalty/segments.hpp"
#include "state_undo.hpp"

namespace loyalty {

bool is_task_event(EventKind kind);

class TaskEvents {
 public:
  // `undo`, if given, is told of every change before it is made.
  TaskEvents(const Program& program, const Event& event, MemberState& state, Applied& out, PointsBook& book,
             StateUndo* undo = nullptr)
      : program_(program), rules_(program.tasks), event_(event), out_(out), state_(state), book_(book), undo_(undo),
        today_(local_day_number(event.at, program.utc_offset_minutes)) {}

  // The event's own effect; on an error the caller undoes what it changed.
  std::optional<Error> run();
  // After an order: counts it toward tasks and pays an invitee's first-order referral reward.
  std::optional<Error> after_order();

 private:
  std::int64_t today() const { return today_; }  // the event's local day
  TaskDay& day();
  // Views: most subjects are the event's own ids or literals, copied once into the row.
  std::optional<Error> grant(const Reward& reward, LedgerKind kind, std::string_view subject, std::string_view prize,
                             bool counts_to_cap, std::string_view lot_suffix = {});
  std::optional<Error> count(TaskAction action, std::string_view item);
  const MemberFacts& facts();
  bool in_segments(const std::vector<std::size_t>& segments);
  void notice(NoticeKind kind, std::string subject = "", std::string prize = "");

  std::optional<Error> checkin();
  std::optional<Error> makeup();
  std::optional<Error> like();
  std::optional<Error> scan();
  std::optional<Error> referred();
  std::optional<Error> referral();
  std::optional<Error> draw();
  std::optional<Error> mall_redeem();  // mall_events.cpp
  std::optional<Error> mall_cancel();
  std::optional<Error> spokesperson_visit();  // spokesperson_events.cpp
  std::optional<Error> spokesperson_credit();
  // The friend's side: tells the spokesperson of a counted action, once.
  void report_to_spokesperson(BroughtBy& brought, const SpokespersonCampaign& campaign, FriendAction action);
  void spokesperson_orders();  // after an order: first order, order over the amount
  // Spends available points (the caller checked there are enough); the rows name `subject`.
  std::vector<RedeemedPart> spend_for(std::int64_t points, LedgerKind kind, const std::string& subject);
  std::optional<Error> pay_makeup(const Makeup& rules, const std::string& subject);
  std::optional<Error> pay_draw(const Box& box);

  const Program& program_;
  const TaskRules& rules_;
  const Event& event_;
  void tasks_changing();
  void replace_checkin(CheckinCycle cycle);  // noted for the undo
  void activity_changing();

  Applied& out_;
  MemberState& state_;
  PointsBook& book_;
  StateUndo* undo_;
  std::int64_t today_;
  // The member as segments see it before this event's own activity (a
  // catalogue sees it so too): the last activity before it, and the facts.
  std::optional<std::optional<TimeMs>> activity_before_;
  std::optional<MemberFacts> facts_;
};

}  // namespace loyalty
