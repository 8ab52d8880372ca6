// Every statement the stores run on a member-keyed table (members, ledger,
// answers, events, member_rate_buckets) names its member: member_id = ? in
// its WHERE, or member_id among an INSERT's columns. On a distributed
// PostgreSQL (Citus, with those tables distributed by member_id;
// docs/scaling.md) each then goes to one shard as it is, with no rewrite.
// The statements are read from the stores' sources, so a new one is checked
// too. The operators' scans of every member (the audit's, the export's, the
// variant report's) and the count they show progress against are the
// exceptions, named below.
#include <gtest/gtest.h>

#include <fstream>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

namespace {

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// The SQL statements in a C++ source: adjacent string literals joined (also
// across a macro's line continuations), kept when they start like a statement.
std::vector<std::string> statements_in(const std::string& source) {
  std::vector<std::string> found;
  const std::regex literal(R"(\"((?:[^"\\]|\\.)*)\")");
  std::string current;
  std::size_t last_end = 0;
  for (auto it = std::sregex_iterator(source.begin(), source.end(), literal); it != std::sregex_iterator(); ++it) {
    const auto& m = *it;
    const std::string between = source.substr(last_end, static_cast<std::size_t>(m.position()) - last_end);
    if (!current.empty() && between.find_first_not_of(" \t\n\\") != std::string::npos) {
      found.push_back(current);
      current.clear();
    }
    current += m[1].str();
    last_end = static_cast<std::size_t>(m.position() + m.length());
  }
  if (!current.empty()) found.push_back(current);
  const std::regex statement(R"(^\s*(SELECT|INSERT|UPDATE|DELETE)\b)", std::regex::icase);
  std::vector<std::string> sql;
  for (const std::string& s : found) {
    if (std::regex_search(s, statement)) sql.push_back(s);
  }
  return sql;
}

std::set<std::string> tables_of(const std::string& sql) {
  std::set<std::string> tables;
  const std::regex table(R"(\b(?:FROM|INTO|UPDATE|JOIN)\s+([a-z_]+))", std::regex::icase);
  for (auto it = std::sregex_iterator(sql.begin(), sql.end(), table); it != std::sregex_iterator(); ++it) {
    tables.insert((*it)[1].str());
  }
  return tables;
}

bool names_its_member(const std::string& sql) {
  static const std::regex where(R"(\bmember_id\s*=\s*(\?|\$[0-9]+))");
  static const std::regex insert(R"(^\s*INSERT\s+INTO\s+[a-z_]+(\s+AS\s+[a-z_]+)?\s*\(\s*member_id\b)", std::regex::icase);
  return std::regex_search(sql, where) || std::regex_search(sql, insert);
}

// Operator-wide reads, allowed to fan out to every shard.
bool is_audit_scan(const std::string& sql) {
  return sql.find("GROUP BY m.member_id") != std::string::npos || sql == "SELECT COUNT(*) FROM members" ||
         sql.rfind("SELECT member_id, state, version, inviter", 0) == 0 ||  // export's scan, member by member
         sql.rfind("SELECT member_id, events FROM events WHERE member_id = ANY", 0) == 0 ||  // its events, a page at a time
         sql == "SELECT member_id FROM members ORDER BY member_id" ||         // where export's runs begin
         sql.rfind("SELECT member_id, seq, event_id, at, kind", 0) == 0;    // the variant report's days of the ledger
}

TEST(ShardingKeys, EveryMemberKeyedStatementNamesItsMember) {
  const std::set<std::string> member_keyed = {"members", "ledger", "answers", "events", "member_rate_buckets"};
  std::size_t checked = 0;
  for (const char* file : {"/server/src/postgres_store.cpp", "/server/src/sqlite_store.cpp"}) {
    const auto sql = statements_in(read_file(std::string(LOYALTY_SOURCE_DIR) + file));
    ASSERT_GT(sql.size(), 10u) << file << ": the statements were not found";
    for (const std::string& s : sql) {
      bool keyed = false;
      for (const std::string& t : tables_of(s)) keyed = keyed || member_keyed.count(t) > 0;
      if (!keyed || is_audit_scan(s)) continue;
      ++checked;
      EXPECT_TRUE(names_its_member(s)) << file << ": " << s;
    }
  }
  EXPECT_GE(checked, 16u);
}

TEST(ShardingKeys, TheCheckFindsAStatementThatDoesNotNameItsMember) {
  EXPECT_FALSE(names_its_member("SELECT state FROM members WHERE version = $1"));
  EXPECT_FALSE(names_its_member("UPDATE ledger SET kind = 'x' WHERE seq = ?"));
  EXPECT_TRUE(names_its_member("SELECT version FROM members WHERE member_id = $1"));
  EXPECT_TRUE(names_its_member("INSERT INTO answers (member_id, event_id) VALUES (?, ?)"));
}

}  // namespace
