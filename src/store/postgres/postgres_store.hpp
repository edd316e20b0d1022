#pragma once

#include <memory>

#include "store/postgres/database.hpp"
#include "store/postgres/postgres_accounts.hpp"
#include "store/postgres/postgres_applications.hpp"
#include "store/postgres/postgres_audit.hpp"
#include "store/postgres/postgres_key_value.hpp"
#include "store/postgres/postgres_meta.hpp"
#include "store/postgres/postgres_secrets.hpp"
#include "store/postgres/postgres_transfer.hpp"
#include "store/store.hpp"

namespace coffer::store::postgres {

// The scale-out Store (SPEC 15): every area on one PostgreSQL Database (see database.hpp for
// connections, durability and concurrency). Any number of PostgresStores, in one process or on
// many machines, may share a database; each answers as if it were the only one.
class PostgresStore final : public Store {
 public:
  // Connects and applies pending schema migrations. Throws StoreError.
  explicit PostgresStore(PostgresOptions options);
  // Every call has returned (the Store's owner guarantees it); closes the connections.
  ~PostgresStore() override;

  AccountStore& accounts() override { return accounts_; }
  ApplicationStore& applications() override { return applications_; }
  KeyValueStore& key_value() override { return key_value_; }
  SecretStore& secrets() override { return secrets_; }
  MetaStore& meta() override { return meta_; }
  AuditStore& audit() override { return audit_; }
  TransferStore& transfers() override { return transfers_; }

  // Database connections open now (at most the pool size).
  std::size_t open_connections() const { return database_->open_connections(); }

 private:
  // Declared first: the areas use it until they are gone.
  std::unique_ptr<Database> database_;
  PostgresAccounts accounts_;
  PostgresApplications applications_;
  PostgresKeyValue key_value_;
  PostgresSecrets secrets_;
  PostgresMeta meta_;
  PostgresAudit audit_;
  PostgresTransfer transfers_;
};

}  // namespace coffer::store::postgres
