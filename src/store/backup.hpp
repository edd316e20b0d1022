#pragma once

#include <cstdint>
#include <string>

#include "store/open.hpp"

namespace coffer::store {

// What `coffer backup` or `coffer restore` wrote.
struct BackupResult {
  std::string path;
  int64_t bytes = 0;
  int schema_version = 0;
};

// `coffer backup` (SPEC 16): a consistent snapshot of the store `from` names, taken while servers
// run, into the new file `out` (0600): every write committed before it began, secrets sealed as
// stored, no master key. Throws StoreError, leaving no file, when `out` exists or the store
// cannot be read, and for PostgreSQL, whose backups are its own (pg_dump).
BackupResult Backup(const StorageOptions& from, const std::string& out);

// `coffer restore`: the backup `from` as the new store `to`, checked and migrated to this
// build's schema. Throws StoreError, writing nothing, when the backup is damaged, is not a
// Coffer store, is newer than this build, or `to`'s database exists; and for PostgreSQL.
BackupResult Restore(const std::string& from, const StorageOptions& to);

}  // namespace coffer::store
