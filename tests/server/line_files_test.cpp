// Line files as `loyalty export` writes them compressed: each run of lines
// a gzip member of its own, made on any thread, the members written one
// after another; the file reads back as the lines in order.
#include <gtest/gtest.h>
#include <unistd.h>

#include <string>
#include <vector>

#include "line_files.hpp"

namespace loyalty::server {
namespace {

TEST(LineFiles, GzipMembersWrittenOneAfterAnotherReadAsOneFileOfTheirLines) {
  const std::string path = "/tmp/loyalty-line-files-test-" + std::to_string(getpid()) + ".jsonl.gz";
  EXPECT_TRUE(is_gzip_name(path));
  EXPECT_FALSE(is_gzip_name("events.jsonl"));
  {
    LineWriter file(path, LineWriter::Compression::by_caller);
    ASSERT_TRUE(file.is_open());
    std::string member;
    append_gzip_member("{\"a\":1}\n{\"a\":2}\n", member);
    file.stream() << member;
    member.clear();
    append_gzip_member("", member);  // a run with no lines
    file.stream() << member;
    member.clear();
    append_gzip_member("{\"b\":3}\n", member);
    file.stream() << member;
    ASSERT_TRUE(file.close());
  }
  LineReader reader(path);
  ASSERT_TRUE(reader.is_open());
  std::vector<std::string> lines;
  std::string line;
  while (reader.next(line)) lines.push_back(line);
  EXPECT_FALSE(reader.failed());
  EXPECT_EQ(lines, (std::vector<std::string>{"{\"a\":1}", "{\"a\":2}", "{\"b\":3}"}));
  std::remove(path.c_str());
}

}  // namespace
}  // namespace loyalty::server
