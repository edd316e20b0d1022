#pragma once

#include <string>
#include <utility>

namespace coffer::store::sqlite {

// An advisory lock (flock) on a file, created 0600 if missing, held for the object's lifetime
// and released by the kernel when the process dies. Shared holders coexist; an exclusive one
// excludes every other holder, in this process or another.
class FileLock {
 public:
  enum class Mode { kShared, kExclusive };

  // Takes the lock without waiting; when another holder conflicts, held() is false. Throws
  // StoreError when the file cannot be opened or locked.
  FileLock(const std::string& path, Mode mode);
  FileLock(FileLock&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
  FileLock& operator=(FileLock&&) = delete;
  FileLock(const FileLock&) = delete;
  FileLock& operator=(const FileLock&) = delete;
  ~FileLock();

  // False when a conflicting holder had the lock, so this object holds nothing.
  bool held() const { return fd_ >= 0; }

 private:
  int fd_ = -1;
};

}  // namespace coffer::store::sqlite
