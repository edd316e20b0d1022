#include "store/sqlite/file_lock.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "store/outcome.hpp"

namespace coffer::store::sqlite {

FileLock::FileLock(const std::string& path, Mode mode) {
  const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) throw StoreError("cannot open " + path + ": " + std::strerror(errno));
  const int operation = (mode == Mode::kShared ? LOCK_SH : LOCK_EX) | LOCK_NB;
  int rc;
  do rc = ::flock(fd, operation);
  while (rc != 0 && errno == EINTR);
  if (rc == 0) {
    fd_ = fd;
    return;
  }
  const int error = errno;
  ::close(fd);
  if (error != EWOULDBLOCK) throw StoreError("cannot lock " + path + ": " + std::strerror(error));
}

FileLock::~FileLock() {
  if (fd_ >= 0) ::close(fd_);  // closing releases the lock
}

}  // namespace coffer::store::sqlite
