#pragma once

#include "../conformance.hpp"

namespace coffer::store::sqlite {

// The conformance suite's SQLite storage: a database file in a fresh temporary directory, each
// handle a SqliteStore of its own on that file.
StoreBackend SqliteBackend();

}  // namespace coffer::store::sqlite
