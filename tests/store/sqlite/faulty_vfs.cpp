#include "store/sqlite/faulty_vfs.hpp"

#include <cassert>

namespace coffer::store::sqlite::testing {
namespace {

// What the VFS shares with its files: the platform VFS and the armed fault.
sqlite3_vfs* platform = nullptr;
std::atomic<Fault> armed{Fault::kNone};
std::atomic<int> remaining{-1};  // matching calls still to fail; negative: every one
std::atomic<int> failed{0};

// Our file object, followed in the same allocation by the platform VFS's.
struct FaultyFile {
  sqlite3_file base;
  sqlite3_file* real;
  bool faultable;  // a database or WAL file (not a temporary or the shared-memory index)
};

sqlite3_file* Real(sqlite3_file* file) { return reinterpret_cast<FaultyFile*>(file)->real; }

// True when this call of kind `fault` on `file` is to fail (and counts it).
bool Strikes(sqlite3_file* file, Fault fault) {
  if (!reinterpret_cast<FaultyFile*>(file)->faultable || armed.load() != fault) return false;
  int left = remaining.load();
  while (left != 0) {
    if (left < 0 || remaining.compare_exchange_weak(left, left - 1)) {
      ++failed;
      return true;
    }
  }
  return false;
}

int Close(sqlite3_file* f) { return Real(f)->pMethods->xClose(Real(f)); }
int Read(sqlite3_file* f, void* buffer, int amount, sqlite3_int64 offset) {
  return Real(f)->pMethods->xRead(Real(f), buffer, amount, offset);
}
int Write(sqlite3_file* f, const void* buffer, int amount, sqlite3_int64 offset) {
  if (Strikes(f, Fault::kDiskFull)) return SQLITE_FULL;
  if (Strikes(f, Fault::kWriteError)) return SQLITE_IOERR_WRITE;
  return Real(f)->pMethods->xWrite(Real(f), buffer, amount, offset);
}
int Truncate(sqlite3_file* f, sqlite3_int64 size) {
  return Real(f)->pMethods->xTruncate(Real(f), size);
}
int Sync(sqlite3_file* f, int flags) {
  if (Strikes(f, Fault::kSyncError)) return SQLITE_IOERR_FSYNC;
  return Real(f)->pMethods->xSync(Real(f), flags);
}
int FileSize(sqlite3_file* f, sqlite3_int64* size) {
  return Real(f)->pMethods->xFileSize(Real(f), size);
}
int Lock(sqlite3_file* f, int level) { return Real(f)->pMethods->xLock(Real(f), level); }
int Unlock(sqlite3_file* f, int level) { return Real(f)->pMethods->xUnlock(Real(f), level); }
int CheckReservedLock(sqlite3_file* f, int* out) {
  return Real(f)->pMethods->xCheckReservedLock(Real(f), out);
}
int FileControl(sqlite3_file* f, int op, void* arg) {
  return Real(f)->pMethods->xFileControl(Real(f), op, arg);
}
int SectorSize(sqlite3_file* f) { return Real(f)->pMethods->xSectorSize(Real(f)); }
int DeviceCharacteristics(sqlite3_file* f) {
  return Real(f)->pMethods->xDeviceCharacteristics(Real(f));
}
int ShmMap(sqlite3_file* f, int page, int size, int extend, void volatile** out) {
  return Real(f)->pMethods->xShmMap(Real(f), page, size, extend, out);
}
int ShmLock(sqlite3_file* f, int offset, int n, int flags) {
  return Real(f)->pMethods->xShmLock(Real(f), offset, n, flags);
}
void ShmBarrier(sqlite3_file* f) { Real(f)->pMethods->xShmBarrier(Real(f)); }
int ShmUnmap(sqlite3_file* f, int delete_flag) {
  return Real(f)->pMethods->xShmUnmap(Real(f), delete_flag);
}
int Fetch(sqlite3_file* f, sqlite3_int64 offset, int amount, void** out) {
  return Real(f)->pMethods->xFetch(Real(f), offset, amount, out);
}
int Unfetch(sqlite3_file* f, sqlite3_int64 offset, void* page) {
  return Real(f)->pMethods->xUnfetch(Real(f), offset, page);
}

// Version 3 (shared memory for WAL, memory-mapped reads), as the platform's unix VFS.
const sqlite3_io_methods kMethods = {3,
                                     Close,
                                     Read,
                                     Write,
                                     Truncate,
                                     Sync,
                                     FileSize,
                                     Lock,
                                     Unlock,
                                     CheckReservedLock,
                                     FileControl,
                                     SectorSize,
                                     DeviceCharacteristics,
                                     ShmMap,
                                     ShmLock,
                                     ShmBarrier,
                                     ShmUnmap,
                                     Fetch,
                                     Unfetch};

int Open(sqlite3_vfs*, sqlite3_filename name, sqlite3_file* file, int flags, int* out_flags) {
  auto* ours = reinterpret_cast<FaultyFile*>(file);
  ours->real = reinterpret_cast<sqlite3_file*>(ours + 1);
  ours->faultable = (flags & (SQLITE_OPEN_MAIN_DB | SQLITE_OPEN_WAL)) != 0;
  const int rc = platform->xOpen(platform, name, ours->real, flags, out_flags);
  // SQLite closes a file whose pMethods is set, even when opening it failed.
  ours->base.pMethods = ours->real->pMethods != nullptr ? &kMethods : nullptr;
  return rc;
}

}  // namespace

FaultyVfs::FaultyVfs() {
  assert(platform == nullptr && "one FaultyVfs at a time");
  platform = sqlite3_vfs_find(nullptr);
  // Every other call goes to the platform VFS's own functions with its own app data (which
  // the unix VFS reads); only opening and the file object's size are ours.
  vfs_ = *platform;
  vfs_.zName = "coffer-faulty";
  vfs_.pNext = nullptr;
  vfs_.szOsFile = static_cast<int>(sizeof(FaultyFile)) + platform->szOsFile;
  vfs_.xOpen = Open;
  Clear();
  failed = 0;
  sqlite3_vfs_register(&vfs_, /*makeDflt=*/1);
}

FaultyVfs::~FaultyVfs() {
  sqlite3_vfs_unregister(&vfs_);
  sqlite3_vfs_register(platform, /*makeDflt=*/1);
  platform = nullptr;
}

void FaultyVfs::Arm(Fault fault, int times) {
  remaining = times;
  armed = fault;
}

int FaultyVfs::failures() const { return failed.load(); }

}  // namespace coffer::store::sqlite::testing
