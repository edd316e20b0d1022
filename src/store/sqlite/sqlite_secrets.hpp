#pragma once

#include "store/secrets.hpp"
#include "store/sqlite/database.hpp"

namespace coffer::store::sqlite {

// SecretStore on a SQLite Database, which it shares with the store's other areas.
class SqliteSecrets final : public SecretStore {
 public:
  explicit SqliteSecrets(Database& database) : db_(database) {}

  Result<std::string> GetDataKey(int64_t application_id) override;
  Result<std::string> EnsureDataKey(int64_t application_id, const std::string& wrapped) override;
  std::vector<WrappedDataKey> ListDataKeys() override;
  Result<int64_t> RotateDataKeys(const RewrapDataKey& rewrap, const std::string& check_name,
                                 const std::string& check) override;
  Result<SecretRecord> Add(int64_t application_id, const std::string& name, int64_t now,
                           const SealNewSecret& seal) override;
  Result<SecretRecord> Find(int64_t application_id, const SecretLookup& which) override;
  Result<SealedSecret> FindSealed(int64_t application_id, const SecretLookup& which) override;
  Result<SecretPage> List(int64_t application_id, std::string_view name_part, int64_t offset,
                          int64_t limit) override;
  Outcome Revise(int64_t application_id, const SecretLookup& which,
                 const ReviseSecret& revise) override;
  SelectionOutcome Delete(int64_t application_id, const SecretSelection& selection) override;

 private:
  Database& db_;
};

}  // namespace coffer::store::sqlite
