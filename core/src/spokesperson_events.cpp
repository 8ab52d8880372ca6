// Spokesperson events inside apply(): a friend opening a share (or joining
// through it) and the counted actions the spokesperson hears of.
#include <algorithm>

#include "loyalty/segments.hpp"
#include "loyalty/tier.hpp"
#include "task_events.hpp"

namespace loyalty {

std::int64_t CampaignFriends::doing(FriendAction action) const {
  return std::count_if(friends.begin(), friends.end(), [&](const CountedFriend& f) { return (f.actions & action_bit(action)) != 0; });
}

const CampaignFriends* SpokespersonState::friends_in(const std::string& campaign) const {
  for (const CampaignFriends& c : campaigns)
    if (c.campaign == campaign) return &c;
  return nullptr;
}

const char* friend_action_name(FriendAction a) {
  switch (a) {
    case FriendAction::visit: return "visit";
    case FriendAction::join: return "join";
    case FriendAction::first_order: return "first_order";
    case FriendAction::order: return "order";
  }
  return "visit";
}

namespace {

Error unknown_campaign(const std::string& id) {
  return Error{"spokesperson.unknown_campaign", "\"" + id + "\" is not a spokesperson campaign of this programme",
               "event.campaign"};
}

Error not_running(const SpokespersonCampaign& campaign) {
  return Error{"spokesperson.not_running",
               "runs from " + date_from_day_number(campaign.from_day).iso() + " to " +
                   date_from_day_number(campaign.to_day).iso(),
               "event.campaign"};
}

}  // namespace

std::optional<Error> spokesperson_refusal(const Program& program, const MemberState& state,
                                          const SpokespersonCampaign& campaign, TimeMs at, const MemberFacts* facts) {
  if (!campaign.running(local_day_number(at, program.utc_offset_minutes))) return not_running(campaign);
  if (!campaign.tiers.empty() && std::find(campaign.tiers.begin(), campaign.tiers.end(),
                                           effective_tier(program, state, at)) == campaign.tiers.end()) {
    return Error{"spokesperson.not_eligible", "the campaign is for members of other tiers", "event.campaign"};
  }
  if (!campaign.segments.empty()) {
    const bool in = facts ? in_any_segment(program, campaign.segments, *facts)
                          : in_any_segment(program, campaign.segments, member_facts(program, state, at));
    if (!in) return Error{"spokesperson.not_eligible", "the campaign is for members of chosen segments", "event.campaign"};
  }
  return std::nullopt;
}

void TaskEvents::report_to_spokesperson(BroughtBy& brought, const SpokespersonCampaign& campaign, FriendAction action) {
  if (!campaign.counts(action) || (brought.sent & action_bit(action))) return;
  brought.sent |= action_bit(action);
  Notice n;
  n.kind = NoticeKind::spokesperson_friend;
  n.at = event_.at;
  n.subject = brought.spokesperson;
  n.prize = campaign.id;
  n.action = action;
  out_.notices.push_back(std::move(n));
}

// The friend's side: whose share brought this member, once per campaign.
std::optional<Error> TaskEvents::spokesperson_visit() {
  const SpokespersonCampaign* campaign = rules_.campaign(event_.campaign);
  if (!campaign) return unknown_campaign(event_.campaign);
  const std::string& spokesperson = event_.other_member;
  if (!campaign->running(today())) return not_running(*campaign);
  if (spokesperson == state_.member_id) {
    return Error{"spokesperson.self", "a member's own share does not count for them", "event.spokesperson"};
  }
  if (campaign->new_members_only && !event_.joined) {
    return Error{"spokesperson.new_members_only", "this campaign counts friends who join through the share",
                 "event.spokesperson"};
  }
  TaskState& t = state_.tasks;
  for (const BroughtBy& b : t.spokesperson.brought_by) {
    if (b.campaign == campaign->id) {
      return Error{"spokesperson.already_brought", "a share of this campaign brought this member already",
                   "event.spokesperson"};
    }
  }
  // A friend cannot bring back the spokesperson their own share brought.
  if (const CampaignFriends* mine = t.spokesperson.friends_in(campaign->id)) {
    for (const CountedFriend& f : mine->friends) {
      if (f.member_id == spokesperson) {
        return Error{"spokesperson.circular", "this member's share brought the spokesperson", "event.spokesperson"};
      }
    }
  }
  t.spokesperson.brought_by.push_back({campaign->id, spokesperson, event_.joined, 0});
  report_to_spokesperson(t.spokesperson.brought_by.back(), *campaign, FriendAction::visit);
  if (event_.joined) report_to_spokesperson(t.spokesperson.brought_by.back(), *campaign, FriendAction::join);
  return std::nullopt;
}

// Its lists are left out of the undo's copy (state_undo.hpp): each event
// below changes them only once nothing can refuse it.
void TaskEvents::spokesperson_orders() {
  TaskState& t = state_.tasks;
  if (t.spokesperson.brought_by.empty()) return;
  const std::int64_t paid = state_.orders.back().paid;
  for (BroughtBy& b : t.spokesperson.brought_by) {
    const SpokespersonCampaign* campaign = rules_.campaign(b.campaign);
    if (!campaign || !campaign->running(today())) continue;
    if (state_.lifetime_orders == 1) report_to_spokesperson(b, *campaign, FriendAction::first_order);
    if (paid >= campaign->order_min) report_to_spokesperson(b, *campaign, FriendAction::order);
  }
}

// The spokesperson's side: a friend's action counted once, under the caps,
// with its reward and any milestone it reaches.
std::optional<Error> TaskEvents::spokesperson_credit() {
  const SpokespersonCampaign* campaign = rules_.campaign(event_.campaign);
  if (!campaign) return unknown_campaign(event_.campaign);
  const std::string& friend_id = event_.other_member;
  const FriendAction action = event_.friend_action;
  if (friend_id == state_.member_id) {
    return Error{"spokesperson.self", "a member's own share does not count for them", "event.friend"};
  }
  if (!campaign->counts(action)) {
    return Error{"spokesperson.not_counted", "this campaign does not count the action", "event.action"};
  }
  // The friend acted while the campaign ran; its report may arrive a moment later.
  const TimeMs within = std::min(event_.at, start_of_local_day(campaign->to_day + 1, program_.utc_offset_minutes) - 1);
  if (auto refusal = spokesperson_refusal(program_, state_, *campaign, within,
                                          campaign->segments.empty() ? nullptr : &facts())) {
    return refusal;
  }

  SpokespersonState& sides = state_.tasks.spokesperson;
  static const CampaignFriends kNone;
  const CampaignFriends* found = sides.friends_in(campaign->id);
  const CampaignFriends& held = found ? *found : kNone;
  auto f = std::find_if(held.friends.begin(), held.friends.end(),
                        [&](const CountedFriend& x) { return x.member_id == friend_id; });
  const bool counted_before = f != held.friends.end();
  if (counted_before && (f->actions & action_bit(action))) {
    return Error{"spokesperson.already_counted", "this friend's action is counted already", "event.friend"};
  }
  const std::int64_t counted_today = held.day == today() ? held.today : 0;
  const std::int64_t cap = campaign->cap > 0 ? campaign->cap : kMaxCampaignFriends;
  if (!counted_before && (static_cast<std::int64_t>(held.friends.size()) >= cap ||
                          (campaign->daily_cap > 0 && counted_today >= campaign->daily_cap))) {
    notice(NoticeKind::spokesperson_capped, friend_id, campaign->id);
    return std::nullopt;
  }
  const std::int64_t doing = 1 + held.doing(action);
  // The friend's own reward first, then a milestone it reaches.
  const std::string name = friend_action_name(action);
  for (const bool per_friend : {true, false}) {
    for (const FriendsReward& r : campaign->rewards) {
      if (r.action != action || (r.friends == 0) != per_friend || (!per_friend && r.friends != doing)) continue;
      const std::string milestone = per_friend ? name : name + ":" + std::to_string(r.friends);
      if (auto e = grant(r.reward, LedgerKind::spokesperson, campaign->id, per_friend ? friend_id : milestone, true,
                         "#" + milestone)) {
        return e;
      }
    }
  }
  // Nothing refuses the event from here: the friend is counted.
  const std::size_t place = static_cast<std::size_t>(f - held.friends.begin());
  if (!found) sides.campaigns.push_back({campaign->id, {}, -1, 0});
  CampaignFriends& c = found ? sides.campaigns[static_cast<std::size_t>(found - sides.campaigns.data())]
                             : sides.campaigns.back();
  if (counted_before) {
    c.friends[place].actions |= action_bit(action);
  } else {
    c.day = today();
    c.today = counted_today + 1;
    c.friends.push_back({friend_id, action_bit(action)});
  }
  return std::nullopt;
}

}  // namespace loyalty
