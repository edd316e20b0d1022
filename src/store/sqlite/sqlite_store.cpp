#include "store/sqlite/sqlite_store.hpp"

namespace coffer::store::sqlite {

SqliteStore::SqliteStore(SqliteOptions options)
    : database_(std::make_unique<Database>(std::move(options))),
      accounts_(*database_),
      applications_(*database_),
      key_value_(*database_),
      secrets_(*database_),
      meta_(*database_),
      audit_(*database_),
      transfers_(*database_) {}

SqliteStore::~SqliteStore() = default;

}  // namespace coffer::store::sqlite
