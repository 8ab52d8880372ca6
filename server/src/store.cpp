// Picks the store a database URL names.
#include "store.hpp"

namespace loyalty::server {

std::unique_ptr<Store> open_store(const std::string& url) {
  const std::string sqlite = "sqlite:";
  if (url.rfind(sqlite, 0) == 0 && url.size() > sqlite.size()) return open_sqlite_store(url.substr(sqlite.size()));
  if (url.rfind("postgres://", 0) == 0 || url.rfind("postgresql://", 0) == 0) return open_postgres_store(url);
  throw StoreError("unsupported database URL '" + url + "': use sqlite:PATH or postgres://USER@HOST:PORT/DB");
}

std::int64_t Store::take_rate(RateBucket, const std::string&, const RateTake&) {
  throw StoreError(describe() + " keeps no rate limits: each server limits its own requests");
}

std::unique_ptr<HistoryScan> Store::history_scan(int) { return nullptr; }

std::string json_list(const std::vector<std::string>& items) {
  std::string list = "[";
  for (const std::string& item : items) {
    if (list.size() > 1) list += ',';
    list += item;
  }
  return list + "]";
}

}  // namespace loyalty::server
