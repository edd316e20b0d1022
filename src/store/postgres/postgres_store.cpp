#include "store/postgres/postgres_store.hpp"

namespace coffer::store::postgres {

PostgresStore::PostgresStore(PostgresOptions options)
    : database_(std::make_unique<Database>(std::move(options))),
      accounts_(*database_),
      applications_(*database_),
      key_value_(*database_),
      secrets_(*database_),
      meta_(*database_),
      audit_(*database_),
      transfers_(*database_) {}

PostgresStore::~PostgresStore() = default;

}  // namespace coffer::store::postgres
