// A state's lots are shared by its copies until one changes them: a change
// to a copy never shows in the original, and the earliest due time follows
// every change; the indexes (spending order, due times, slots) follow every
// change and can be undone.
#include <gtest/gtest.h>

#include "loyalty/member_state.hpp"

namespace loyalty {
namespace {

Lot lot(const std::string& id, std::optional<TimeMs> expires_at, std::optional<TimeMs> vests_at = std::nullopt) {
  return Lot{id, 0, 10, expires_at, vests_at, ""};
}

std::vector<Lots::Slot> vesting_by(Lots& lots, TimeMs t) {
  std::vector<Lots::Slot> slots{99};  // what was there before is replaced
  lots.vesting_by(t, slots);
  return slots;
}

std::vector<Lots::Slot> expiring_by(Lots& lots, TimeMs t) {
  std::vector<Lots::Slot> slots{99};
  lots.expiring_by(t, slots);
  return slots;
}

TEST(Lots, AChangeToACopyLeavesTheOriginalAsItWas) {
  MemberState original;
  original.lots.push_back(lot("a", 500));
  MemberState copy = original;
  EXPECT_EQ(&original.lots[0], &copy.lots[0]) << "copies share their lots until one changes them";
  copy.lots.edit()[0].points = 3;
  copy.lots.push_back(lot("b", 100));
  EXPECT_EQ(original.lots.size(), 1u);
  EXPECT_EQ(original.lots[0].points, 10);
  EXPECT_EQ(copy.lots[0].points, 3);
  EXPECT_EQ(original.lots.next_due(), 500);
  EXPECT_EQ(copy.lots.next_due(), 100);
}

// A query's copy brought forward asks next_due() at every step; while its
// lots are shared it keeps the answer, which no change may outlive.
TEST(Lots, NextDueOfLotsSharedWithACopyFollowsAChangeToEither) {
  MemberState held;
  held.lots.push_back(lot("a", 500));
  MemberState copy = held;
  EXPECT_EQ(copy.lots.next_due(), 500);
  EXPECT_EQ(held.lots.next_due(), 500);
  held.lots.push_back(lot("b", 100));
  EXPECT_EQ(held.lots.next_due(), 100);
  EXPECT_EQ(copy.lots.next_due(), 500) << "the copy's lots did not change";
  copy.lots.push_back(lot("c", 200));
  const MemberState again = copy;  // shared again, after the change
  EXPECT_EQ(copy.lots.next_due(), 200);
  EXPECT_EQ(again.lots.next_due(), 200);
}

TEST(Lots, NextDueIsTheEarliestVestingOrExpiryAndFollowsEachChange) {
  Lots lots;
  EXPECT_EQ(lots.next_due(), std::nullopt);
  lots.push_back(lot("never", std::nullopt));
  EXPECT_EQ(lots.next_due(), std::nullopt);
  lots.push_back(lot("pending", 900, 300));
  EXPECT_EQ(lots.next_due(), 300);
  lots.edit()[1].vests_at.reset();
  EXPECT_EQ(lots.next_due(), 900);
  lots.edit().pop_back();
  EXPECT_EQ(lots.next_due(), std::nullopt);
}

// Lots without indexes (a query's copy brought forward) keep their due
// times in order: vesting and removing pass over a lot's times, an undo
// brings them back, and a copy made to change goes on from the list.
TEST(Lots, UnindexedLotsFindWhatFallsDueInTimeOrderThroughVestingRemovingAndUndo) {
  MemberState held;
  held.lots.push_back(lot("soon", 300));
  held.lots.push_back(lot("pending", 700, 200));
  held.lots.push_back(lot("late", 900));
  held.lots.push_back(lot("never", std::nullopt));
  EXPECT_EQ(held.lots.next_due(), 200);
  EXPECT_EQ(vesting_by(held.lots, 200), (std::vector<Lots::Slot>{1}));
  EXPECT_EQ(expiring_by(held.lots, 200), (std::vector<Lots::Slot>{}));

  MemberState copy = held;
  copy.lots.vest(1);  // copied to change: goes on from the held list
  EXPECT_EQ(copy.lots.next_due(), 300);
  EXPECT_EQ(vesting_by(copy.lots, 1000), (std::vector<Lots::Slot>{}));
  EXPECT_EQ(expiring_by(copy.lots, 700), (std::vector<Lots::Slot>{0, 1}));
  const Lot soon = copy.lots[0];
  copy.lots.take(0, 10);
  copy.lots.remove_empty([](Lots::Slot, Lot&&) {});
  EXPECT_EQ(copy.lots.next_due(), 700) << "a removed lot's expiry is passed over";
  EXPECT_EQ(expiring_by(copy.lots, 1000), (std::vector<Lots::Slot>{1, 2}));
  copy.lots.put_back(0, soon);
  EXPECT_EQ(copy.lots.next_due(), 300) << "an undone removal is due again";
  EXPECT_EQ(expiring_by(copy.lots, 1000), (std::vector<Lots::Slot>{0, 1, 2}));

  EXPECT_EQ(held.lots.next_due(), 200) << "the held lots did not change";
  EXPECT_EQ(vesting_by(held.lots, 200), (std::vector<Lots::Slot>{1}));
}

// Lots that fall due in another order than they were earned (terms that
// differ) keep no list and answer the same.
TEST(Lots, UnindexedLotsFallingDueOutOfEarnedOrderAnswerTheSame) {
  Lots lots;
  lots.push_back(lot("year", 900));
  lots.push_back(lot("bonus", 300, 600));
  EXPECT_EQ(lots.next_due(), 300);
  EXPECT_EQ(expiring_by(lots, 500), (std::vector<Lots::Slot>{1}));
  EXPECT_EQ(vesting_by(lots, 600), (std::vector<Lots::Slot>{1}));
  lots.take(1, 10);
  lots.remove_empty([](Lots::Slot, Lot&&) {});
  EXPECT_EQ(lots.next_due(), 900);
}

}  // namespace
}  // namespace loyalty

namespace loyalty {
namespace {

Lot earned(const std::string& id, TimeMs earned_at, std::int64_t points, std::optional<TimeMs> expires_at,
           std::optional<TimeMs> vests_at = std::nullopt, const std::string& order_id = "") {
  return Lot{id, earned_at, points, expires_at, vests_at, order_id};
}

std::vector<std::string> ids_in_spending_order(Lots& lots, bool pending) {
  std::vector<std::string> ids;
  lots.in_spending_order(pending, [&](Lots::Slot slot) {
    ids.push_back(lots[slot].id);
    return true;
  });
  return ids;
}

TEST(LotIndexes, SpendingOrderIsSoonestExpiryThenEarliestEarnedThenIdWithNeverExpiringLast) {
  Lots lots;
  lots.push_back(earned("never", 1, 5, std::nullopt));
  lots.push_back(earned("b", 2, 5, 100));
  lots.push_back(earned("a", 2, 5, 100));
  lots.push_back(earned("early", 1, 5, 100));
  lots.push_back(earned("soon", 9, 5, 50));
  lots.push_back(earned("pending", 1, 5, 40, 30));
  EXPECT_EQ(ids_in_spending_order(lots, false), (std::vector<std::string>{"soon", "early", "a", "b", "never"}));
  EXPECT_EQ(ids_in_spending_order(lots, true), (std::vector<std::string>{"pending"}));
  EXPECT_EQ(lots.available(), 25);
  EXPECT_EQ(lots.pending(), 5);
}

TEST(LotIndexes, SlotsStayWhileLotsAreRemovedAndTheSnapshotOrderIsKept) {
  Lots lots;
  for (int i = 0; i < 40; ++i) lots.push_back(earned("l" + std::to_string(i), i, 10, 1000 + i));
  const Lots::Slot last = 39;
  for (Lots::Slot slot = 0; slot < 30; ++slot) lots.take(slot, 10);
  std::vector<Lots::Slot> removed;
  lots.remove_empty([&](Lots::Slot slot, Lot&&) { removed.push_back(slot); });
  EXPECT_EQ(removed.size(), 30u);
  EXPECT_EQ(lots.size(), 10u);
  EXPECT_TRUE(lots.held(last));
  EXPECT_FALSE(lots.held(0));
  EXPECT_EQ(lots[last].id, "l39") << "a slot names its lot until the lots are compacted";
  EXPECT_EQ(lots.begin()->id, "l30");
  EXPECT_EQ(lots.next_due(), 1030);
  EXPECT_EQ(expiring_by(lots, 1031), (std::vector<Lots::Slot>{30, 31}));
  lots.compact_if_sparse();
  EXPECT_EQ(lots[0].id, "l30") << "compacted, the slots are the places again";
  EXPECT_EQ(expiring_by(lots, 1031), (std::vector<Lots::Slot>{0, 1}));
  EXPECT_EQ(lots.available(), 100);
}

// Compacting indexed lots renumbers their keys where they are: every index
// then answers as one built afresh from the compacted lots would.
TEST(LotIndexes, CompactedIndexesAnswerAsIndexesBuiltAfresh) {
  MemberState state;
  Lots& lots = state.lots;
  for (int i = 0; i < 48; ++i) {
    const std::optional<TimeMs> vests = i % 3 == 0 ? std::optional<TimeMs>(500 + i) : std::nullopt;
    // Ties in expiry and earning time are told apart by id, then by slot.
    lots.push_back(earned("l" + std::to_string(i % 40), i / 4, 10, 1000 + i / 2, vests, "o" + std::to_string(i % 5)));
  }
  lots.prepare();
  for (Lots::Slot slot = 0; slot < 48; ++slot) {
    if (slot % 4 != 1) lots.take(slot, 10);
  }
  lots.remove_empty([](Lots::Slot, Lot&&) {});
  lots.compact_if_sparse();
  ASSERT_EQ(lots[0].id, "l1") << "compacted";

  MemberState afresh;
  afresh.lots.assign(std::vector<Lot>(lots.begin(), lots.end()));
  afresh.lots.prepare();
  EXPECT_EQ(lots.available(), afresh.lots.available());
  EXPECT_EQ(lots.pending(), afresh.lots.pending());
  EXPECT_EQ(lots.next_due(), afresh.lots.next_due());
  for (const bool pending : {false, true}) {
    EXPECT_EQ(ids_in_spending_order(lots, pending), ids_in_spending_order(afresh.lots, pending));
  }
  for (const TimeMs t : {TimeMs{510}, TimeMs{1010}, TimeMs{2000}}) {
    EXPECT_EQ(vesting_by(lots, t), vesting_by(afresh.lots, t)) << t;
    EXPECT_EQ(expiring_by(lots, t), expiring_by(afresh.lots, t)) << t;
  }
  for (const char* order : {"o0", "o1", "o4"}) EXPECT_EQ(lots.of_order(order), afresh.lots.of_order(order)) << order;

  // And they go on changing as the others do.
  for (Lots* each : {&lots, &afresh.lots}) {
    each->vest(vesting_by(*each, 2000).front());
    each->take(expiring_by(*each, 1010).front(), 10);
    each->remove_empty([](Lots::Slot, Lot&&) {});
    each->push_back(earned("new", 99, 7, 1001, std::nullopt, "o1"));
  }
  EXPECT_EQ(ids_in_spending_order(lots, false), ids_in_spending_order(afresh.lots, false));
  EXPECT_EQ(ids_in_spending_order(lots, true), ids_in_spending_order(afresh.lots, true));
  EXPECT_EQ(lots.of_order("o1"), afresh.lots.of_order("o1"));
  EXPECT_EQ(lots.available(), afresh.lots.available());
}

TEST(LotIndexes, PutBackAndPopBackUndoTakingVestingRemovingAndAdding) {
  Lots lots;
  lots.push_back(earned("a", 1, 10, 500, 200, "o1"));
  lots.push_back(earned("b", 2, 10, 600, std::nullopt, "o1"));
  const Lot a_before = lots[0];
  const Lot b_before = lots[1];
  lots.vest(0);
  lots.take(1, 10);
  std::vector<std::pair<Lots::Slot, Lot>> removed;
  lots.remove_empty([&](Lots::Slot slot, Lot&& lot) { removed.emplace_back(slot, std::move(lot)); });
  const Lots::Slot c = lots.push_back(earned("c", 3, 5, 50, std::nullopt, "o2"));
  EXPECT_EQ(lots.next_due(), 50);
  EXPECT_EQ(lots.of_order("o1"), (std::vector<Lots::Slot>{0}));

  lots.pop_back();  // c
  EXPECT_FALSE(lots.held(c));
  lots.put_back(removed[0].first, removed[0].second);  // b, at no points
  lots.put_back(1, b_before);
  lots.put_back(0, a_before);
  EXPECT_EQ(lots.size(), 2u);
  EXPECT_EQ(lots.available(), 10);
  EXPECT_EQ(lots.pending(), 10);
  EXPECT_EQ(lots.next_due(), 200);
  EXPECT_EQ(lots.of_order("o1"), (std::vector<Lots::Slot>{0, 1}));
  EXPECT_EQ(ids_in_spending_order(lots, false), (std::vector<std::string>{"b"}));
}

TEST(LotIndexes, LotsDueToExpireAreFoundAtTheHeadOfBothSpendingOrders) {
  // Indexed or scanned, the same lots fall due: expiring ones available or
  // pending, never the never-expiring, in slot order.
  for (const bool indexed : {false, true}) {
    MemberState state;
    Lots& lots = state.lots;
    lots.push_back(earned("never", 1, 5, std::nullopt));
    lots.push_back(earned("late", 2, 5, 900));
    lots.push_back(earned("pending-soon", 3, 5, 100, 800));
    lots.push_back(earned("soon", 4, 5, 150));
    lots.push_back(earned("pending-never", 5, 5, std::nullopt, 60));
    if (indexed) lots.prepare();
    EXPECT_EQ(lots.next_due(), 60) << "indexed: " << indexed;
    EXPECT_EQ(expiring_by(lots, 99), (std::vector<Lots::Slot>{})) << "indexed: " << indexed;
    EXPECT_EQ(expiring_by(lots, 150), (std::vector<Lots::Slot>{2, 3})) << "indexed: " << indexed;
    EXPECT_EQ(expiring_by(lots, 1000000), (std::vector<Lots::Slot>{1, 2, 3})) << "indexed: " << indexed;
    EXPECT_EQ(vesting_by(lots, 60), (std::vector<Lots::Slot>{4})) << "indexed: " << indexed;
    lots.vest(4);
    lots.take(3, 5);
    lots.remove_empty([](Lots::Slot, Lot&&) {});
    EXPECT_EQ(lots.next_due(), 100) << "indexed: " << indexed;
    EXPECT_EQ(expiring_by(lots, 1000000), (std::vector<Lots::Slot>{1, 2})) << "indexed: " << indexed;
  }
}

// Lots earned one after another at fixed terms are held in spending and
// vesting order slot after slot, and indexed by walking the slots; a lot out
// of that order builds the time indexes. Either way they answer as the same
// lots scanned, unindexed, do.
void expect_answers_as_scanned(Lots& lots, const std::string& when) {
  EXPECT_TRUE(lots.indexes_agree()) << when;
  Lots scanned;
  scanned.assign(std::vector<Lot>(lots.begin(), lots.end()));
  std::vector<Lots::Slot> slots;  // the compacted copy's slots are the lots' places
  for (auto it = lots.begin(); it != lots.end(); ++it) slots.push_back(it.slot());
  const auto places = [&](const std::vector<Lots::Slot>& of) {
    std::vector<Lots::Slot> out;
    for (Lots::Slot slot : of) out.push_back(slots[slot]);
    return out;
  };
  EXPECT_EQ(lots.next_due(), scanned.next_due()) << when;
  EXPECT_EQ(lots.available(), scanned.available()) << when;
  EXPECT_EQ(lots.pending(), scanned.pending()) << when;
  for (const bool pending : {false, true}) {
    EXPECT_EQ(ids_in_spending_order(lots, pending), ids_in_spending_order(scanned, pending)) << when;
  }
  for (const TimeMs t : {TimeMs{505}, TimeMs{520}, TimeMs{1003}, TimeMs{1020}, TimeMs{5000}}) {
    EXPECT_EQ(vesting_by(lots, t), places(vesting_by(scanned, t))) << when << " at " << t;
    EXPECT_EQ(expiring_by(lots, t), places(expiring_by(scanned, t))) << when << " at " << t;
  }
}

TEST(LotIndexes, LotsInSlotOrderAndLotsOutOfItAnswerAsScanned) {
  MemberState state;
  Lots& lots = state.lots;
  for (int i = 0; i < 24; ++i) {
    const std::optional<TimeMs> vests = i % 3 == 0 ? std::optional<TimeMs>(500 + i) : std::nullopt;
    lots.push_back(earned("l" + std::to_string(i), i, 10, 1000 + i, vests, "o" + std::to_string(i % 4)));
  }
  lots.prepare();
  expect_answers_as_scanned(lots, "in slot order");
  lots.vest(0);
  lots.take(1, 10);
  lots.take(5, 10);
  lots.remove_empty([](Lots::Slot, Lot&&) {});
  lots.push_back(earned("later", 30, 10, 1030, 540));
  expect_answers_as_scanned(lots, "vested, taken, added in order");
  lots.push_back(earned("sooner", 31, 10, 1002));
  expect_answers_as_scanned(lots, "a lot expiring before others");
  lots.push_back(earned("vests-sooner", 32, 10, 1040, 501));
  expect_answers_as_scanned(lots, "then one vesting before others");
}

TEST(LotIndexes, APendingLotVestingBeforeTheLastLeavesSlotOrder) {
  MemberState state;
  Lots& lots = state.lots;
  lots.push_back(earned("a", 1, 10, 1000, 600));
  lots.push_back(earned("b", 2, 10, 1001));
  lots.prepare();
  lots.push_back(earned("c", 3, 10, 1002, 550));  // expires in order, vests before "a"
  expect_answers_as_scanned(lots, "vesting out of order");
  EXPECT_EQ(vesting_by(lots, 580), (std::vector<Lots::Slot>{2}));
}

TEST(LotIndexes, APendingLotPutBackOutOfVestingOrderLeavesSlotOrder) {
  MemberState state;
  Lots& lots = state.lots;
  for (int i = 0; i < 3; ++i) lots.push_back(earned("l" + std::to_string(i), i, 10, 1000 + i, 500 + 10 * i));
  lots.prepare();
  lots.vest(1);
  Lot later = lots[1];
  later.vests_at = 530;  // after the lot in the next slot
  lots.put_back(1, later);
  expect_answers_as_scanned(lots, "put back vesting last");
  EXPECT_EQ(vesting_by(lots, 525), (std::vector<Lots::Slot>{0, 2}));
}

TEST(LotIndexes, UndoInSlotOrderPutsBackWhatVestingRemovingAndAddingChanged) {
  MemberState state;
  Lots& lots = state.lots;
  for (int i = 0; i < 6; ++i) lots.push_back(earned("l" + std::to_string(i), i, 10, 1000 + i, 500 + i, "o"));
  lots.prepare();
  const Lot first = lots[0];
  const Lot second = lots[1];
  lots.vest(0);
  lots.take(1, 10);
  std::vector<std::pair<Lots::Slot, Lot>> removed;
  lots.remove_empty([&](Lots::Slot slot, Lot&& lot) { removed.emplace_back(slot, std::move(lot)); });
  lots.push_back(earned("new", 9, 10, 1009));
  expect_answers_as_scanned(lots, "changed");
  lots.pop_back();
  lots.put_back(removed[0].first, removed[0].second);
  lots.put_back(1, second);
  lots.put_back(0, first);
  expect_answers_as_scanned(lots, "undone");
  EXPECT_EQ(lots.next_due(), 500);
  EXPECT_EQ(vesting_by(lots, 501), (std::vector<Lots::Slot>{0, 1}));
  EXPECT_EQ(lots.of_order("o").size(), 6u);
}

}  // namespace
}  // namespace loyalty
