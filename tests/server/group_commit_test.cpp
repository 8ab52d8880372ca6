// The SQLite store commits the transactions that arrive together in one
// group: each keeps its own all-or-nothing, and what the group commits is
// in the file when the store is opened again.
#include <gtest/gtest.h>

#include <chrono>
#include <stdexcept>
#include <thread>
#include <unistd.h>
#include <vector>

#include "store.hpp"

namespace loyalty::server {
namespace {

class GroupCommitTest : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = "/tmp/loyalty-group-commit-test-" + std::to_string(getpid()) + ".db";
    store_ = open_store("sqlite:" + path_);
  }
  void TearDown() override {
    store_.reset();
    for (const char* suffix : {"", "-wal", "-shm"}) std::remove((path_ + suffix).c_str());
  }

  // A member's transaction: its row and one ledger row; `fail` throws after writing both.
  void write_member(const std::string& id, bool fail) {
    store_->with_member(id, [&](MemberTransaction& tx) {
      tx.save_member({id, "{}", 1, ""}, 1);
      tx.append_ledger({{0, id + "-e", 1, "earn", 10, 0, 0, "{}"}});
      if (fail) throw std::runtime_error("refused");
      // Held a moment, so that the others queue behind this one and commit as a group.
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    });
  }

  std::string path_;
  std::unique_ptr<Store> store_;
};

TEST_F(GroupCommitTest, ATransactionThatThrowsIsRolledBackAloneAndTheRestCommit) {
  constexpr int kMembers = 24;
  std::vector<std::thread> threads;
  std::vector<int> refused(kMembers, 0);
  for (int i = 0; i < kMembers; ++i) {
    threads.emplace_back([&, i] {
      try {
        write_member("m" + std::to_string(i), i % 5 == 3);
      } catch (const std::runtime_error&) {
        refused[i] = 1;
      }
    });
  }
  for (auto& t : threads) t.join();

  store_ = open_store("sqlite:" + path_);  // what is in the file
  for (int i = 0; i < kMembers; ++i) {
    const std::string id = "m" + std::to_string(i);
    const bool failed = i % 5 == 3;
    EXPECT_EQ(refused[i], failed ? 1 : 0) << id << " is told of its own failure only";
    EXPECT_EQ(store_->read_member(id).has_value(), !failed) << id;
    EXPECT_EQ(store_->ledger(id, 0, 10).size(), failed ? 0u : 1u) << id;
  }
}

TEST_F(GroupCommitTest, ReadsAndWritesOutsideGroupsAreKeptToo) {
  write_member("a", false);
  const BoxSeed seed = store_->box_seed("box", "2026-11-30", std::string(64, 'a'), 1);
  store_->with_member("a", [&](MemberTransaction& tx) { tx.send_later("b", "{}", 1); });
  const auto waiting = store_->outbox(10);
  ASSERT_EQ(waiting.size(), 1u);
  store_->outbox_done(waiting[0].seq);

  store_ = open_store("sqlite:" + path_);
  EXPECT_EQ(store_->box_seed("box", "2026-11-30", std::string(64, 'b'), 2).seed_hex, seed.seed_hex);
  EXPECT_TRUE(store_->outbox(10).empty());
  EXPECT_TRUE(store_->read_member("a").has_value());
}

// The server looks up the programme versions from within a member's
// transaction (a version may have fallen due); in memory the store has one
// connection, which the transaction's group holds.
TEST(GroupCommitInMemory, AMemberTransactionReadsTheProgrammesWithoutWaitingOnItself) {
  auto store = open_sqlite_store(":memory:");
  store->publish_program({1, 0, "{}", 1});
  std::vector<ProgramRow> seen;
  store->with_member("a", [&](MemberTransaction&) { seen = store->programs(0); });
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0].version, 1);
}

}  // namespace
}  // namespace loyalty::server
