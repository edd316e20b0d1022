#pragma once

#include <cstddef>
#include <memory>

#include "store/sqlite/database.hpp"
#include "store/sqlite/sqlite_accounts.hpp"
#include "store/sqlite/sqlite_applications.hpp"
#include "store/sqlite/sqlite_key_value.hpp"
#include "store/sqlite/sqlite_meta.hpp"
#include "store/sqlite/sqlite_secrets.hpp"
#include "store/sqlite/sqlite_transfer.hpp"
#include "store/store.hpp"

namespace coffer::store::sqlite {

// The embedded Store: every area on one SQLite Database (see database.hpp for connections,
// durability and group commit). Several SqliteStores, in one process or many, may share a file.
class SqliteStore final : public Store {
 public:
  // Opens the database and applies pending schema migrations. Throws StoreError.
  explicit SqliteStore(SqliteOptions options);
  // Finishes the writes in flight, then closes the database.
  ~SqliteStore() override;

  AccountStore& accounts() override { return accounts_; }
  ApplicationStore& applications() override { return applications_; }
  KeyValueStore& key_value() override { return key_value_; }
  SecretStore& secrets() override { return secrets_; }
  MetaStore& meta() override { return meta_; }
  AuditStore& audit() override { return audit_; }
  TransferStore& transfers() override { return transfers_; }

  // Group-commit statistics: batches committed and writes they held.
  std::size_t committed_batches() const { return database_->committed_batches(); }
  std::size_t committed_writes() const { return database_->committed_writes(); }

 private:
  // Declared first: the areas use it until they are gone.
  std::unique_ptr<Database> database_;
  SqliteAccounts accounts_;
  SqliteApplications applications_;
  SqliteKeyValue key_value_;
  SqliteSecrets secrets_;
  SqliteMeta meta_;
  SqliteAudit audit_;
  SqliteTransfer transfers_;
};

}  // namespace coffer::store::sqlite
