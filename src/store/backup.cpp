#include "store/backup.hpp"

#include "store/sqlite/backup.hpp"

namespace coffer::store {

namespace {

void RefusePostgres(const StorageOptions& storage) {
  if (!storage.postgres_url.empty()) {
    throw StoreError(
        "backups of a PostgreSQL store are PostgreSQL's own: use pg_dump and pg_restore (see "
        "docs/deployment.md)");
  }
}

BackupResult From(const sqlite::BackupFile& file) {
  return BackupResult{file.path, file.bytes, file.schema_version};
}

}  // namespace

BackupResult Backup(const StorageOptions& from, const std::string& out) {
  RefusePostgres(from);
  return From(sqlite::Backup(from.sqlite_path, out));
}

BackupResult Restore(const std::string& from, const StorageOptions& to) {
  RefusePostgres(to);
  return From(sqlite::Restore(from, to.sqlite_path));
}

}  // namespace coffer::store
