#pragma once

#include <cstddef>
#include <memory>
#include <string>

#include "common/metrics.hpp"
#include "store/store.hpp"

namespace coffer::store {

// Which storage to open: the embedded SQLite file, or, when `postgres_url` is set, a
// PostgreSQL database shared by any number of nodes (SPEC 15).
struct StorageOptions {
  // The SQLite database file; created, with its schema, when missing. Required unless
  // `postgres_url` is set (then unused).
  std::string sqlite_path{};
  // libpq connection URI or key=value string; empty: use SQLite. The PG* environment variables
  // fill in what it leaves out.
  std::string postgres_url{};
  // Most PostgreSQL connections this store opens (at least 1); unused with SQLite.
  std::size_t db_pool = 16;
  // Where the store reports its commits and connections (SPEC 16); null: nowhere. Must outlive
  // the store, and render no more once the store is gone (its gauges read the store).
  common::MetricsRegistry* metrics = nullptr;
};

// Opens the storage `options` name and applies pending schema migrations. The only place that
// knows the backends. Throws StoreError when it cannot be opened or its schema is newer than
// this build.
std::unique_ptr<Store> Open(const StorageOptions& options);

}  // namespace coffer::store
