#pragma once

#include "store/postgres/connection.hpp"

namespace coffer::store::postgres {

// The schema version this build knows (rows of the schema_version table).
int KnownSchemaVersion();

// Brings the database's schema to KnownSchemaVersion() in one transaction, holding an advisory
// lock for it, so that nodes starting together migrate once and the others wait and find the
// schema current. Throws StoreError when the schema is newer than this build knows (then
// nothing is changed) or a migration fails (then it is rolled back).
void Migrate(Connection& connection);

}  // namespace coffer::store::postgres
