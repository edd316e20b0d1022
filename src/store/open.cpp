#include "store/open.hpp"

#include "store/postgres/postgres_store.hpp"
#include "store/sqlite/sqlite_store.hpp"

namespace coffer::store {

std::unique_ptr<Store> Open(const StorageOptions& options) {
  if (!options.postgres_url.empty()) {
    return std::make_unique<postgres::PostgresStore>(postgres::PostgresOptions{
        .url = options.postgres_url, .pool_size = options.db_pool, .metrics = options.metrics});
  }
  if (options.sqlite_path.empty()) throw StoreError("no storage given: the database path is empty");
  return std::make_unique<sqlite::SqliteStore>(
      sqlite::SqliteOptions{.path = options.sqlite_path, .metrics = options.metrics});
}

}  // namespace coffer::store
