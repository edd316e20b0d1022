#pragma once

#include "../conformance.hpp"

namespace coffer::store::postgres {

// The conformance suite's PostgreSQL storage: a fresh database on the test cluster
// (COFFER_TEST_POSTGRES_URL), dropped afterwards; each handle a PostgresStore of its own on it,
// as another node would be.
StoreBackend PostgresBackend();

}  // namespace coffer::store::postgres
