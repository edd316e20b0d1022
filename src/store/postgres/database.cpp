#include "store/postgres/database.hpp"

#include "store/postgres/migrations.hpp"

namespace coffer::store::postgres {

Transaction::Transaction(Connection& connection) : connection_(connection) {
  connection_.Script("BEGIN");
}

Transaction::~Transaction() {
  if (done_ || connection_.broken()) return;
  try {
    connection_.Script("ROLLBACK");
  } catch (const StoreError&) {
    // The pool drops a connection still inside a transaction; nothing was committed.
  }
}

void Transaction::Commit() {
  done_ = true;
  connection_.Script("COMMIT");
}

namespace {

PoolOptions PoolFor(const PostgresOptions& options) {
  if (options.url.empty()) throw StoreError("no PostgreSQL connection URL given");
  return PoolOptions{
      .connection = {.url = options.url, .connect_timeout_s = options.connect_timeout_s},
      .max_connections = options.pool_size,
      .acquire_timeout = options.acquire_timeout};
}

}  // namespace

Database::Database(PostgresOptions options)
    : options_(std::move(options)), pool_(PoolFor(options_)) {
  Pool::Lease lease = pool_.Acquire();
  Migrate(*lease);
}

Database::~Database() = default;

}  // namespace coffer::store::postgres
