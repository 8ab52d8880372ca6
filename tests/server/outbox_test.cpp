// The outbox between two members' transactions: a referral reward written
// with the invitee's transaction survives a crash before the inviter's
// transaction, is applied when the server starts again, and only once.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <unistd.h>

#include "loyalty/engine.hpp"
#include "store.hpp"
#include "sync_service.hpp"

namespace loyalty::server {
namespace {

constexpr std::int64_t kNow = 1795276800000;  // 2026-11-22

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

class OutboxTest : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = "/tmp/loyalty-outbox-test-" + std::to_string(getpid()) + ".db";
    store_ = open_store("sqlite:" + path_);
    auto versions = ProgramVersions::open(*store_, read_file(std::string(LOYALTY_SOURCE_DIR) + "/programs/bakery.json"), kNow);
    ASSERT_TRUE(versions.ok());
    programs_ = std::move(versions).value();
  }
  void TearDown() override {
    programs_.reset();
    store_.reset();
    for (const char* suffix : {"", "-wal", "-shm"}) std::remove((path_ + suffix).c_str());
  }
  std::int64_t referral_rows(const std::string& member) {
    std::int64_t n = 0;
    for (const LedgerRow& row : store_->ledger(member, 0, 1000)) n += row.kind == "referral";
    return n;
  }

  std::unique_ptr<ProgramVersions> programs_;
  std::string path_;
  std::unique_ptr<Store> store_;
};

TEST_F(OutboxTest, ARewardLeftByACrashIsAppliedAtStartOnce) {
  SyncService before_crash(*programs_, *store_);
  ASSERT_EQ(before_crash.join(R"({"member_id":"inviter"})", kNow).status, 201);
  // The invitee's transactions (its join, then its first order, which pays
  // the inviter in the bakery) committed with the inviter's events in the
  // outbox, and the process died before applying them.
  store_->with_member("invitee", [&](MemberTransaction& tx) {
    tx.save_member({"invitee", R"({"member_id":"invitee"})", 0, "inviter"}, kNow);
    tx.send_later("inviter", SyncService::referral_event("invitee", "joined").dump(), kNow);
    tx.send_later("inviter", SyncService::referral_event("invitee", "first_order").dump(), kNow);
  });
  ASSERT_EQ(referral_rows("inviter"), 0);

  SyncService restarted(*programs_, *store_);
  restarted.deliver_outbox(kNow + 1000);
  EXPECT_EQ(referral_rows("inviter"), 1);
  EXPECT_TRUE(store_->outbox(10).empty());

  // Delivered again (say the row's deletion was lost): applied once still.
  store_->with_member("invitee", [&](MemberTransaction& tx) {
    tx.send_later("inviter", SyncService::referral_event("invitee", "first_order").dump(), kNow);
  });
  restarted.deliver_outbox(kNow + 2000);
  EXPECT_EQ(referral_rows("inviter"), 1);
}

TEST_F(OutboxTest, AnEventForAMemberWhoNeverJoinedIsDroppedNotRetriedForever) {
  store_->with_member("invitee", [&](MemberTransaction& tx) {
    tx.send_later("nobody", SyncService::referral_event("invitee", "joined").dump(), kNow);
  });
  SyncService sync(*programs_, *store_);
  sync.deliver_outbox(kNow);
  EXPECT_TRUE(store_->outbox(10).empty());
  EXPECT_FALSE(store_->read_member("nobody"));
}

}  // namespace
}  // namespace loyalty::server
