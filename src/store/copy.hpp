#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "store/open.hpp"

namespace coffer::store {

// Rows of each table copied, by table name, in the order they were copied.
using CopiedRows = std::vector<std::pair<std::string, int64_t>>;

// `coffer migrate` (SPEC 15): copies the SQLite store `from.sqlite_path` into the empty
// PostgreSQL database `to.postgres_url`, in one transaction, row for row: ids, timestamps and
// sealed values as they are (they stay bound to their ids and open with the same master key),
// and the id sequences continued past the highest id SQLite ever gave, so no id is reused.
// Afterwards it counts the rows of every table on both sides. The SQLite store must be stopped:
// its lock file is held for the whole copy, so no server starts meanwhile. Throws StoreError,
// changing nothing, when the source is in use, the target holds any row, or the counts differ.
CopiedRows CopySqliteToPostgres(const StorageOptions& from, const StorageOptions& to);

}  // namespace coffer::store
