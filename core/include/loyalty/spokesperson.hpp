// Spokesperson tasks (代言人): a member shares the brand, and the friends
// the share brings count toward the member's milestones. Each friend is
// brought by one spokesperson per campaign; the friend's own state keeps
// whose share brought them and reports each counted action once
// (spokesperson_visit, then orders); the spokesperson's state counts each
// friend once per action, under the campaign's caps (spokesperson_credit).
// The server carries a report from one member to the other (its outbox),
// and signs the share codes; everything else is decided here.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "loyalty/error.hpp"
#include "loyalty/local_time.hpp"
#include "loyalty/localized_text.hpp"
#include "loyalty/reward.hpp"

namespace loyalty {

// What a friend does through a share, in the order a friend usually does it.
enum class FriendAction : std::uint8_t { visit, join, first_order, order };
inline constexpr std::uint8_t action_bit(FriendAction a) { return static_cast<std::uint8_t>(1u << static_cast<unsigned>(a)); }
const char* friend_action_name(FriendAction a);

// A milestone (reached when `friends` friends did the action) or, with
// `friends` 0, the reward for every friend who does it (`each`).
struct FriendsReward {
  FriendAction action = FriendAction::join;
  std::int64_t friends = 1;
  Reward reward;
};

struct SpokespersonCampaign {
  std::string id;
  LocalizedText name;
  std::int64_t from_day = 0;  // local day numbers, inclusive
  std::int64_t to_day = 0;
  bool new_members_only = true;  // a friend counts only if they joined through the share
  std::int64_t order_min = 0;    // minor units an order must reach to count as "order"
  std::vector<FriendsReward> rewards;  // the milestones, then the rewards for each friend
  std::int64_t daily_cap = 0;  // friends newly counted per local day; 0: no cap
  std::int64_t cap = 0;        // friends counted in the campaign; 0: kMaxCampaignFriends
  std::vector<std::size_t> tiers;     // spokespersons of these tiers only; empty: every tier
  std::vector<std::size_t> segments;  // spokespersons in one of these; empty: everyone
  std::uint8_t counted = 0;  // the actions milestones or per-friend rewards name (bits)

  bool counts(FriendAction a) const { return (counted & action_bit(a)) != 0; }
  bool running(std::int64_t day) const { return day >= from_day && day <= to_day; }
};

inline constexpr std::size_t kMaxSpokespersonCampaigns = 20;
inline constexpr std::size_t kMaxMilestones = 50;
inline constexpr std::int64_t kMaxCampaignFriends = 10000;  // held in a spokesperson's state

// The spokesperson's side: the friends counted in one campaign.
struct CountedFriend {
  std::string member_id;
  std::uint8_t actions = 0;  // counted (bits of FriendAction)
};
struct CampaignFriends {
  std::string campaign;
  std::vector<CountedFriend> friends;  // in the order they were first counted
  std::int64_t day = -1;               // the local day `today` counts
  std::int64_t today = 0;              // friends first counted that day

  std::int64_t doing(FriendAction action) const;  // friends counted for `action`
};

// The friend's side: whose share brought this member into a campaign.
struct BroughtBy {
  std::string campaign;
  std::string spokesperson;
  bool joined = false;     // joined the programme through the share
  std::uint8_t sent = 0;   // actions already reported to the spokesperson (bits)
};

// Both sides in a member's state, kept apart as one part (the undo leaves it
// out of its copy: state_undo.hpp).
struct SpokespersonState {
  std::vector<CampaignFriends> campaigns;  // friends this member's shares brought, by campaign
  std::vector<BroughtBy> brought_by;       // whose shares brought this member, by campaign

  bool empty() const { return campaigns.empty() && brought_by.empty(); }
  // The friends counted in `campaign`; nullptr before the first.
  const CampaignFriends* friends_in(const std::string& campaign) const;
};

struct MemberFacts;
struct MemberState;
struct Program;

// Why `state`'s member cannot be a spokesperson of `campaign` at `at` (the
// campaign is not running, or is for other tiers or segments); nullopt: it can.
// `facts`: the member as segments see it, when the caller has them.
std::optional<Error> spokesperson_refusal(const Program& program, const MemberState& state,
                                          const SpokespersonCampaign& campaign, TimeMs at,
                                          const MemberFacts* facts = nullptr);

}  // namespace loyalty
