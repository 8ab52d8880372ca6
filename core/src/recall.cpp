#include "loyalty/recall.hpp"

#include <algorithm>

namespace loyalty {

namespace {

std::int64_t stage_days(const Lifecycle& l, LifecycleStage stage) {
  switch (stage) {
    case LifecycleStage::silent: return l.silent_days;
    case LifecycleStage::sleeping: return l.sleeping_days;
    default: return l.lost_days;
  }
}

// When the member entered `stage` since the last activity, if they did (as
// lifecycle() counts stages: by whole days, once no longer new).
std::optional<TimeMs> entered_at(const Program& program, const MemberState& state, LifecycleStage stage) {
  const Lifecycle& l = program.lifecycle;
  const TimeMs last = state.last_activity_at.value_or(state.joined_at);
  const TimeMs no_longer_new = state.joined_at + l.new_days * kMsPerDay;
  const TimeMs entered = std::max(last + stage_days(l, stage) * kMsPerDay, no_longer_new);
  // Idle past the next stage by the time the member stopped being new: this one was skipped.
  if (stage != LifecycleStage::lost) {
    const auto next = static_cast<LifecycleStage>(static_cast<int>(stage) + 1);
    if (entered >= last + stage_days(l, next) * kMsPerDay) return std::nullopt;
  }
  return entered;
}

}  // namespace

std::optional<OpenRecall> open_recall(const Program& program, const MemberState& state, TimeMs at) {
  std::optional<OpenRecall> open;
  const std::vector<RecallOffer>& offers = program.lifecycle.recall;
  const TimeMs last = state.last_activity_at.value_or(state.joined_at);
  for (std::size_t i = 0; i < offers.size(); ++i) {
    // A stage begins its idle days after the last activity at the soonest:
    // most events come from members active since.
    if (at < last + stage_days(program.lifecycle, offers[i].stage) * kMsPerDay) continue;
    const std::optional<TimeMs> entered = entered_at(program, state, offers[i].stage);
    if (!entered) continue;
    const TimeMs until = *entered + offers[i].days * kMsPerDay;
    if (at < *entered || at >= until) continue;
    const bool used = state.recall && state.recall->offer == i && state.recall->entered_at == *entered &&
                      state.recall->used;
    if (!used && (!open || *entered > open->entered_at)) open = OpenRecall{i, *entered, until};
  }
  if (open || !state.recall || state.recall->used || state.recall->offer >= offers.size()) return open;
  // Given before the last activity and not used yet: open for its days.
  const RecallGiven& given = *state.recall;
  const TimeMs until = given.entered_at + offers[given.offer].days * kMsPerDay;
  if (at >= given.entered_at && at < until) open = OpenRecall{given.offer, given.entered_at, until};
  return open;
}

std::optional<std::size_t> open_recall_offer(const Program& program, const MemberState& state, TimeMs at) {
  if (program.lifecycle.recall.empty()) return std::nullopt;
  const std::optional<OpenRecall> open = open_recall(program, state, at);
  return open ? std::optional<std::size_t>(open->offer) : std::nullopt;
}

void keep_open_recall(const Program& program, MemberState& state, TimeMs at, bool used) {
  if (program.lifecycle.recall.empty()) return;
  if (const std::optional<OpenRecall> open = open_recall(program, state, at)) {
    state.recall = RecallGiven{open->offer, open->entered_at, used};
  }
}

std::optional<std::size_t> recall_offer_index(const Program& program, std::string_view id) {
  const std::vector<RecallOffer>& offers = program.lifecycle.recall;
  for (std::size_t i = 0; i < offers.size(); ++i) {
    if (offers[i].id == id) return i;
  }
  return std::nullopt;
}

}  // namespace loyalty
