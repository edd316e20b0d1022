#pragma once

#include "store/sqlite/connection.hpp"

namespace coffer::store::sqlite {

// Applies, in one transaction, the schema migrations that `connection`'s database has not seen
// yet. Throws StoreError, changing nothing, when the schema is newer than this build knows.
void Migrate(Connection& connection);

}  // namespace coffer::store::sqlite
