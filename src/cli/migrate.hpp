#pragma once

#include <ostream>

#include "cli/options.hpp"

namespace coffer::cli {

// `coffer migrate --data DIR --postgres URL` (SPEC 15): copies the stopped SQLite store of DIR
// into the empty PostgreSQL database and verifies the row counts; prints
// `{"result": 1, "copied": {"<table>": rows, ...}}`. Throws std::runtime_error (a StoreError)
// with the reason, changing nothing, on failure.
void Migrate(const MigrateOptions& options, std::ostream& out);

}  // namespace coffer::cli
