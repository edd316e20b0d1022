// The backends the store conformance suite runs on: one factory each.

#include "conformance.hpp"
#include "postgres/postgres_backend.hpp"
#include "sqlite/sqlite_backend.hpp"

namespace coffer::store {

std::vector<StoreBackend> ConformanceBackends() {
  return {sqlite::SqliteBackend(), postgres::PostgresBackend()};
}

}  // namespace coffer::store
