// `loyalty backup`: a copy of a SQLite store taken while the server runs,
// through SQLite's online backup API. The copy is one consistent moment of
// the database (the WAL's committed transactions included; nothing half
// written), so restoring is putting the file where the server's --db points
// before it starts. PostgreSQL stores are backed up with pg_dump instead.
#pragma once

#include <cstdint>
#include <string>

namespace loyalty::server {

struct BackupResult {
  std::int64_t pages = 0;
  std::int64_t members = 0;
};

// Copies the database at `source` to a new file `target` (refused if it
// exists) and checks the copy's integrity. Throws StoreError.
BackupResult backup_sqlite(const std::string& source, const std::string& target);

}  // namespace loyalty::server
