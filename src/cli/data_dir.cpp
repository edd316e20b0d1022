#include "cli/data_dir.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace coffer::cli {

namespace {

[[noreturn]] void Fail(const std::string& what, const std::string& path) {
  throw std::runtime_error(what + " " + path + ": " + std::strerror(errno));
}

void WriteFile(const std::string& path, const std::string& content, unsigned mode, int flags) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC | flags, mode);
  if (fd < 0) Fail(errno == EEXIST ? "refusing to overwrite" : "cannot create", path);
  const auto fail = [&] {
    const int error = errno;
    ::close(fd);
    if ((flags & O_EXCL) != 0) ::unlink(path.c_str());  // a new file is all or nothing
    errno = error;
    Fail("cannot write", path);
  };
  std::size_t written = 0;
  while (written < content.size()) {
    const ssize_t n = ::write(fd, content.data() + written, content.size() - written);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) fail();
    written += static_cast<std::size_t>(n);
  }
  if (::fchmod(fd, mode) != 0 || ::fsync(fd) != 0) fail();
  ::close(fd);
}

}  // namespace

void RequirePrivate(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    if (errno == ENOENT) return;
    Fail("cannot inspect", path);
  }
  if (st.st_uid != ::geteuid()) {
    throw std::runtime_error(path + " belongs to uid " + std::to_string(st.st_uid) +
                             ", not to this user (uid " + std::to_string(::geteuid()) +
                             "); refusing to trust it");
  }
  if ((st.st_mode & (S_IWGRP | S_IWOTH)) != 0) {
    char mode[8];
    std::snprintf(mode, sizeof mode, "%04o", static_cast<unsigned>(st.st_mode & 07777));
    throw std::runtime_error(path + " is writable by group or others (mode " + mode +
                             "); refusing to trust it (chmod go-w " + path + ")");
  }
}

void PrepareDataDir(const std::string& dir) {
  std::error_code ec;
  if (!std::filesystem::exists(dir, ec)) {
    std::filesystem::create_directories(dir, ec);
    if (ec) throw std::runtime_error("cannot create data directory " + dir + ": " + ec.message());
    ::chmod(dir.c_str(), 0700);
  }
  if (!std::filesystem::is_directory(dir, ec)) {
    throw std::runtime_error("data directory " + dir + " is not a directory");
  }
  if (::access(dir.c_str(), R_OK | W_OK | X_OK) != 0) Fail("data directory is not writable:", dir);
  const std::filesystem::path root(dir);
  for (const auto& trusted : {root, root / "coffer.db", root / "coffer.db-wal",
                              root / "coffer.db-shm", root / "tls", root / "tls" / "key.pem"}) {
    RequirePrivate(trusted.string());
  }
}

store::StorageOptions StorageIn(const std::string& dir) {
  return store::StorageOptions{.sqlite_path = (std::filesystem::path(dir) / "coffer.db").string()};
}

store::StorageOptions StorageFor(const std::string& dir, const std::string& postgres_url,
                                 std::size_t db_pool) {
  if (postgres_url.empty()) return StorageIn(dir);
  return store::StorageOptions{.postgres_url = postgres_url, .db_pool = db_pool};
}

std::string ReadWholeFile(const std::string& path, const std::string& what) {
  std::ifstream file(path, std::ios::binary);
  // A directory opens as a stream that reads as empty.
  if (!file || std::filesystem::is_directory(path)) {
    throw std::runtime_error("cannot read " + what + " " + path);
  }
  std::ostringstream text;
  text << file.rdbuf();
  if (!file.good() && !file.eof()) throw std::runtime_error("cannot read " + what + " " + path);
  return std::move(text).str();
}

void WriteNewFile(const std::string& path, const std::string& content, unsigned mode) {
  WriteFile(path, content, mode, O_EXCL);
}

void WriteFileReplacing(const std::string& path, const std::string& content, unsigned mode) {
  WriteFile(path, content, mode, O_TRUNC);
}

}  // namespace coffer::cli
