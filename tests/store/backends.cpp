// The backends the store conformance suite runs on: one factory each.

#include "conformance.hpp"
#include "sqlite/sqlite_backend.hpp"

namespace coffer::store {

std::vector<StoreBackend> ConformanceBackends() { return {sqlite::SqliteBackend()}; }

}  // namespace coffer::store
