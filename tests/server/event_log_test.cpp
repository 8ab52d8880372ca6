// The event log's rows read as `loyalty export` reads them: each element's
// text as the server wrote it, found without parsing, the same elements a
// JSON reader finds; a row that is not a JSON array is an error.
#include <gtest/gtest.h>

#include "event_log.hpp"
#include "store.hpp"

using loyalty::server::logged_event_texts;

TEST(EventLog, EachEventIsTheTextTheServerWrote) {
  const std::vector<std::string> rows = {
      R"([{"at":1,"id":"a","type":"checkin"}])",
      R"([{"article":"x,y]}{","id":"b\"],","type":"like"},{"id":"c","lines":[{"q":[1,[2]]}],"type":"order"}])",
      "[]",
  };
  std::vector<std::string_view> texts;
  logged_event_texts("m", rows, texts);
  ASSERT_EQ(texts.size(), 3u);
  EXPECT_EQ(texts[0], R"({"at":1,"id":"a","type":"checkin"})");
  EXPECT_EQ(texts[1], R"({"article":"x,y]}{","id":"b\"],","type":"like"})");
  EXPECT_EQ(texts[2], R"({"id":"c","lines":[{"q":[1,[2]]}],"type":"order"})");
  std::vector<loyalty::Json> parsed;  // the same elements, as a JSON reader finds them
  for (const std::string& row : rows) {
    loyalty::Json events = loyalty::parse_json(row).value();
    for (loyalty::Json& event : events) parsed.push_back(std::move(event));
  }
  ASSERT_EQ(parsed.size(), texts.size());
  for (std::size_t i = 0; i < texts.size(); ++i) EXPECT_EQ(parsed[i].dump(), texts[i]);
}

TEST(EventLog, ARowThatIsNotAnArrayIsAnError) {
  for (const char* row : {"", "{}", "[", R"([{"id":"a"})", R"([{"id":"a"},])", R"([,{"id":"a"}])", R"([{"id":"a"}] x)",
                          R"(["open string])"}) {
    std::vector<std::string_view> texts;
    EXPECT_THROW(logged_event_texts("m", std::vector<std::string_view>{row}, texts), loyalty::server::StoreError) << row;
  }
}
