#pragma once

#include "store/applications.hpp"
#include "store/sqlite/database.hpp"

namespace coffer::store::sqlite {

// ApplicationStore on a SQLite Database, which it shares with the store's other areas.
class SqliteApplications final : public ApplicationStore {
 public:
  explicit SqliteApplications(Database& database) : db_(database) {}

  Result<Application> Create(int64_t account_id, const std::string& short_name,
                             bool secure_record_storage, int64_t now,
                             int64_t max_per_account) override;
  std::optional<Application> Find(int64_t account_id, int64_t id) override;
  std::optional<Application> FindByShortName(int64_t account_id,
                                             std::string_view short_name) override;
  std::vector<Application> List(int64_t account_id) override;
  Result<Application> Update(int64_t account_id, int64_t id,
                             const ApplicationChanges& changes) override;
  SelectionOutcome Delete(int64_t account_id, const ApplicationSelection& selection) override;
  int64_t DeleteEverywhere() override;

 private:
  // The application `query`'s next row holds, remembered for later lookups (LookupCache).
  std::optional<Application> Remembered(Connection& c, StatementUse& query);

  Database& db_;
};

}  // namespace coffer::store::sqlite
