#pragma once

// Shared set-up for the in-process benchmarks: a throw-away data directory, a SqliteStore in
// it, and one account with an Owner key and one application.

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>

#include "store/sqlite/sqlite_store.hpp"

namespace coffer::bench {

// A fresh directory under the system's temporary directory (TMPDIR), removed with its
// contents on destruction.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

// A SqliteStore in its own TempDir, holding account "bench" with one Owner service key
// (RSA-2048) and one application "bench-app".
struct StoreFixture {
  StoreFixture();

  TempDir dir;
  std::string database_path;
  std::unique_ptr<store::sqlite::SqliteStore> store;
  store::Account account;
  store::ServiceKey key;
  std::string private_key_pem;
  int64_t application_id = 0;
};

// Current Unix time in seconds.
int64_t NowSeconds();

// "k:" followed by `index` as 7 decimal digits: keys sort in index order, and "k:00000" + d
// style prefixes select runs of 10, 100, 1000 ... consecutive indexes.
std::string IndexedKey(int64_t index);

}  // namespace coffer::bench
