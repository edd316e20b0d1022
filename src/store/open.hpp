#pragma once

#include <memory>
#include <string>

#include "store/store.hpp"

namespace coffer::store {

// Which storage to open. Today there is one backend, the embedded SQLite file. The PostgreSQL
// backend (SPEC 15) adds its fields here when it exists: `postgres_url` (when set, Open picks
// PostgreSQL instead of SQLite) and `db_pool` (connections per node, default 16). They are not
// declared before then, so no option can be set that does nothing.
struct StorageOptions {
  // The SQLite database file; created, with its schema, when missing. Required.
  std::string sqlite_path;
};

// Opens the storage `options` name and applies pending schema migrations. The only place that
// knows the backends. Throws StoreError when it cannot be opened or its schema is newer than
// this build.
std::unique_ptr<Store> Open(const StorageOptions& options);

}  // namespace coffer::store
