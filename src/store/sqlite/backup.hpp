#pragma once

#include <cstdint>
#include <string>

namespace coffer::store::sqlite {

// SPEC 16 backups of the SQLite store. A backup is itself a SQLite database: the store's tables
// at one moment, secrets sealed as they are stored (it opens only with the master key of the
// store it came from, which it does not contain).

// What a backup wrote.
struct BackupFile {
  std::string path;
  int64_t bytes = 0;
  int schema_version = 0;
};

// Writes a consistent snapshot of the database at `database` into the new file `out` (0600),
// while servers go on reading and writing it: one read transaction (WAL readers never block the
// writer), so the snapshot holds every write committed before it began. The file is checked
// (integrity_check), synced and only then given its name. Throws StoreError, leaving no file
// behind, when `out` exists, the database is missing or damaged, or the disk fails.
BackupFile Backup(const std::string& database, const std::string& out);

// Checks that `backup` is an intact Coffer store no newer than this build, and writes it as the
// new database file `database` (0600), migrated to this build's schema. Throws StoreError,
// leaving no file behind, otherwise or when `database` exists.
BackupFile Restore(const std::string& backup, const std::string& database);

}  // namespace coffer::store::sqlite
