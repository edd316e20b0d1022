#pragma once

#include "store/sqlite/database.hpp"
#include "store/transfer.hpp"

namespace coffer::store::sqlite {

// TransferStore on a SQLite Database, which it shares with the store's other areas.
class SqliteTransfer final : public TransferStore {
 public:
  explicit SqliteTransfer(Database& database) : db_(database) {}

  std::optional<ApplicationContents> Read(int64_t account_id, const std::string& short_name,
                                          int64_t now) override;
  ImportOutcome Import(const ApplicationImport& batch, ImportSealer& sealer) override;

 private:
  Database& db_;
};

}  // namespace coffer::store::sqlite
