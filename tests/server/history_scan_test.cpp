// A SQLite store's history scan (what `loyalty export` reads): several
// readers on one snapshot, each reading runs of members on a thread of its
// own, none of them seeing what the server commits after the scan began.
#include <gtest/gtest.h>
#include <unistd.h>

#include <string>
#include <thread>
#include <vector>

#include "store.hpp"

namespace loyalty::server {
namespace {

class HistoryScanTest : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = "/tmp/loyalty-history-scan-test-" + std::to_string(getpid()) + ".db";
    store_ = open_store("sqlite:" + path_);
  }
  void TearDown() override {
    store_.reset();
    for (const char* suffix : {"", "-wal", "-shm"}) std::remove((path_ + suffix).c_str());
  }
  // A member's request: its row at `version` and one event logged.
  void write(const std::string& id, std::int64_t version, const std::string& event) {
    store_->with_member(id, [&](MemberTransaction& tx) {
      tx.save_member({id, "state of " + id, version, "", 0}, 1);
      tx.append_events({event});
    });
  }
  // "id: [batch] [batch]" for each member `reader` reads in [from, to).
  static std::vector<std::string> read(HistoryScan& scan, int reader, const std::string& from, const std::string& to) {
    std::vector<std::string> seen;
    scan.read(reader, from, to, [&](const MemberHistory& m) {
      std::string line = std::string(m.member_id) + " v" + std::to_string(m.version) + ":";
      for (const std::string_view batch : m.batches) line += " " + std::string(batch);
      seen.push_back(line);
    });
    return seen;
  }
  std::string path_;
  std::unique_ptr<Store> store_;
};

TEST_F(HistoryScanTest, RunsBeginAtEveryNthMemberInIdOrder) {
  for (const char* id : {"m5", "m1", "m4", "m2", "m3"}) write(id, 1, R"({"id":"a"})");
  auto scan = store_->history_scan(2);
  ASSERT_NE(scan, nullptr);
  EXPECT_EQ(scan->readers(), 2);
  EXPECT_EQ(scan->member_marks(2), (std::vector<std::string>{"m1", "m3", "m5"}));
  EXPECT_EQ(scan->member_marks(10), (std::vector<std::string>{"m1"}));
  EXPECT_EQ(read(*scan, 0, "m3", "m5"), (std::vector<std::string>{R"(m3 v1: [{"id":"a"}])", R"(m4 v1: [{"id":"a"}])"}));
  EXPECT_EQ(read(*scan, 1, "m5", ""), (std::vector<std::string>{R"(m5 v1: [{"id":"a"}])"}));
}

TEST_F(HistoryScanTest, EveryReaderSeesTheStoreAsTheScanBeganNotWhatIsCommittedAfter) {
  write("a", 1, R"({"id":"a1"})");
  write("b", 1, R"({"id":"b1"})");
  auto scan = store_->history_scan(2);
  ASSERT_NE(scan, nullptr);
  // The server goes on: a new event for a, a new member c, both committed.
  write("a", 2, R"({"id":"a2"})");
  write("c", 1, R"({"id":"c1"})");
  const std::vector<std::string> before = {R"(a v1: [{"id":"a1"}])", R"(b v1: [{"id":"b1"}])"};
  EXPECT_EQ(read(*scan, 0, "a", ""), before);
  EXPECT_EQ(read(*scan, 1, "a", ""), before);
  EXPECT_EQ(scan->member_marks(1), (std::vector<std::string>{"a", "b"}));
  // A scan begun now sees them.
  auto later = store_->history_scan(1);
  EXPECT_EQ(read(*later, 0, "a", ""),
            (std::vector<std::string>{R"(a v2: [{"id":"a1"}] [{"id":"a2"}])", R"(b v1: [{"id":"b1"}])", R"(c v1: [{"id":"c1"}])"}));
}

TEST_F(HistoryScanTest, ReadersOnTwoThreadsAtOnceReadWhatOneConnectionReads) {
  std::vector<std::string> ids;
  for (int i = 0; i < 200; ++i) {
    char id[8];
    std::snprintf(id, sizeof id, "m%03d", i);
    ids.push_back(id);
    for (int e = 0; e <= i % 4; ++e) write(id, e + 1, R"({"id":")" + std::to_string(e) + R"("})");
  }
  std::vector<std::string> whole;
  store_->for_each_member_history([&](const MemberRow& row, const std::vector<std::string>& batches) {
    std::string line = row.member_id + " v" + std::to_string(row.version) + ":";
    for (const std::string& batch : batches) line += " " + batch;
    whole.push_back(line);
  });
  auto scan = store_->history_scan(2);
  const std::vector<std::string> marks = scan->member_marks(16);
  ASSERT_EQ(marks.size(), 13u);
  // Run i on reader i % 2, the two readers' threads at once.
  std::vector<std::vector<std::string>> runs(marks.size());
  std::vector<std::thread> threads;
  for (int reader = 0; reader < 2; ++reader) {
    threads.emplace_back([&, reader] {
      for (std::size_t i = static_cast<std::size_t>(reader); i < marks.size(); i += 2) {
        runs[i] = read(*scan, reader, marks[i], i + 1 < marks.size() ? marks[i + 1] : "");
      }
    });
  }
  for (auto& t : threads) t.join();
  std::vector<std::string> joined;
  for (const auto& run : runs) joined.insert(joined.end(), run.begin(), run.end());
  EXPECT_EQ(joined, whole);
  EXPECT_EQ(joined.size(), 200u);
}

TEST(HistoryScanInMemory, AStoreInMemoryHasOneConnectionAndNoScan) {
  auto store = open_sqlite_store(":memory:");
  EXPECT_EQ(store->history_scan(2), nullptr);
}

}  // namespace
}  // namespace loyalty::server
