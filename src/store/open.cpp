#include "store/open.hpp"

#include "store/sqlite/sqlite_store.hpp"

namespace coffer::store {

std::unique_ptr<Store> Open(const StorageOptions& options) {
  if (options.sqlite_path.empty()) throw StoreError("no storage given: the database path is empty");
  return std::make_unique<sqlite::SqliteStore>(sqlite::SqliteOptions{.path = options.sqlite_path});
}

}  // namespace coffer::store
