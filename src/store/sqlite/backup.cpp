#include "store/sqlite/backup.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "store/sqlite/connection.hpp"
#include "store/sqlite/migrations.hpp"

namespace coffer::store::sqlite {

namespace {

namespace fs = std::filesystem;

[[noreturn]] void FailErrno(const std::string& what, const std::string& path) {
  throw StoreError(what + " " + path + ": " + std::strerror(errno));
}

// An empty file, 0600, that must not exist yet: VACUUM INTO fills it and keeps its mode.
void CreateEmptyPrivate(const std::string& path) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) FailErrno("cannot create", path);
  ::close(fd);
}

void SyncPath(const std::string& path, int flags) {
  const int fd = ::open(path.c_str(), flags | O_CLOEXEC);
  if (fd < 0) FailErrno("cannot open", path);
  const int synced = ::fsync(fd);
  ::close(fd);
  if (synced != 0) FailErrno("cannot sync", path);
}

std::string DirectoryOf(const std::string& path) {
  const fs::path parent = fs::path(path).parent_path();
  return parent.empty() ? "." : parent.string();
}

// Gives the synced file `partial` the name `final` without replacing anything there, and makes
// the new name durable.
void Publish(const std::string& partial, const std::string& final) {
  SyncPath(partial, O_RDONLY);
  if (::link(partial.c_str(), final.c_str()) != 0) FailErrno("cannot create", final);
  ::unlink(partial.c_str());
  try {
    SyncPath(DirectoryOf(final), O_RDONLY | O_DIRECTORY);
  } catch (...) {
    ::unlink(final.c_str());  // not known to be durable: no file rather than a doubtful one
    throw;
  }
}

// The whole database at `path` copied into the new empty file `into`, in one read transaction.
void CopyDatabase(const std::string& path, const std::string& into) {
  Connection source(path, Connection::ExistingFileReadOnly{});
  StatementUse(source, "VACUUM INTO ?").Bind(1, into).Run();
}

// Throws unless `path` holds an intact Coffer store this build can open; returns its version.
int CheckStore(const std::string& path, const std::string& what) {
  Connection check(path, Connection::ExistingFileReadOnly{});
  std::string finding;
  int version = 0;
  try {
    StatementUse integrity(check, "PRAGMA integrity_check(1)");
    finding = integrity.Step() ? integrity.Text(0) : "no answer";
    version = SchemaVersion(check);
  } catch (const StoreError& e) {
    finding = e.what();  // not a database at all, or unreadable
  }
  if (finding != "ok") throw StoreError(what + " is damaged or not a database: " + finding);
  if (version < 1) throw StoreError(what + " is not a Coffer database");
  if (version > LatestSchemaVersion()) {
    throw StoreError(what + " has schema version " + std::to_string(version) +
                     ", newer than this coffer (" + std::to_string(LatestSchemaVersion()) + ")");
  }
  return version;
}

// Runs `make(partial)` to fill a private file beside `final`, then publishes it as `final`;
// removes the partial file on any failure.
template <typename F>
BackupFile WriteAtomically(const std::string& final, F&& make) {
  std::error_code ec;
  if (fs::exists(final, ec)) throw StoreError(final + " exists; choose a new file name");
  const std::string partial = final + ".partial-" + std::to_string(::getpid());
  CreateEmptyPrivate(partial);
  try {
    BackupFile written{.path = final, .bytes = 0, .schema_version = make(partial)};
    written.bytes = static_cast<int64_t>(fs::file_size(partial));
    Publish(partial, final);
    return written;
  } catch (...) {
    fs::remove(partial, ec);
    throw;
  }
}

}  // namespace

BackupFile Backup(const std::string& database, const std::string& out) {
  std::error_code ec;
  if (!fs::exists(database, ec)) throw StoreError("no database at " + database);
  return WriteAtomically(out, [&](const std::string& partial) {
    CopyDatabase(database, partial);
    return CheckStore(partial, "the backup just written");
  });
}

BackupFile Restore(const std::string& backup, const std::string& database) {
  std::error_code ec;
  if (!fs::is_regular_file(backup, ec)) throw StoreError("no backup file at " + backup);
  CheckStore(backup, "backup " + backup);
  return WriteAtomically(database, [&](const std::string& partial) {
    CopyDatabase(backup, partial);
    Connection restored(partial, 5000, false);
    Migrate(restored);
    return SchemaVersion(restored);
  });
}

}  // namespace coffer::store::sqlite
