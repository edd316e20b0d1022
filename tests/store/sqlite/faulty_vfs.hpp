#pragma once

#include <sqlite3.h>

#include <atomic>

namespace coffer::store::sqlite::testing {

// The storage faults FaultyVfs injects into database and WAL files.
enum class Fault {
  kNone,
  kDiskFull,    // writes fail with SQLITE_FULL, as when the disk has no room left
  kWriteError,  // writes fail with SQLITE_IOERR_WRITE, as when the device reports EIO
  kSyncError,   // syncs fail with SQLITE_IOERR_FSYNC; writes still reach the page cache
};

// While it lives, SQLite's default VFS is one that passes every call to the platform's VFS,
// except that writes or syncs of database and WAL files fail as armed. Connections opened
// while it lives use it; open it before the store and destroy it after. One at a time.
class FaultyVfs {
 public:
  FaultyVfs();
  ~FaultyVfs();
  FaultyVfs(const FaultyVfs&) = delete;
  FaultyVfs& operator=(const FaultyVfs&) = delete;

  // Fails the next `times` matching calls (every one, by default) until Clear().
  void Arm(Fault fault, int times = -1);
  void Clear() { Arm(Fault::kNone); }
  // Calls failed so far.
  int failures() const;

 private:
  sqlite3_vfs vfs_{};
};

}  // namespace coffer::store::sqlite::testing
