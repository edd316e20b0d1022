#pragma once

#include "store/sqlite/connection.hpp"

namespace coffer::store::sqlite {

// Applies, in one transaction, the schema migrations that `connection`'s database has not seen
// yet. Throws StoreError, changing nothing, when the schema is newer than this build knows.
void Migrate(Connection& connection);

// The schema version of `connection`'s database (0: no Coffer schema yet), and the newest this
// build knows.
int SchemaVersion(Connection& connection);
int LatestSchemaVersion();

}  // namespace coffer::store::sqlite
