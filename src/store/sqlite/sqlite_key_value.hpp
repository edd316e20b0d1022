#pragma once

#include "store/key_value.hpp"
#include "store/sqlite/database.hpp"

namespace coffer::store::sqlite {

// Creates or replaces the item, inside a write.
void UpsertItem(Connection& c, int64_t application_id, const KvItem& item);

// KeyValueStore on a SQLite Database, which it shares with the store's other areas.
class SqliteKeyValue final : public KeyValueStore {
 public:
  explicit SqliteKeyValue(Database& database) : db_(database) {}

  Outcome Put(int64_t application_id, const KvItem& item) override;
  // Through the group commit without waiting: `done` runs on the writer thread.
  void PutAsync(int64_t application_id, KvItem item, common::Completion<Outcome> done) override;
  Result<KvItem> Get(int64_t application_id, std::string_view key, int64_t now) override;
  Outcome Delete(int64_t application_id, std::string_view key, int64_t now) override;
  void DeleteAsync(int64_t application_id, std::string key, int64_t now,
                   common::Completion<Outcome> done) override;
  Result<std::vector<KvItem>> List(int64_t application_id, std::string_view prefix, int64_t now,
                                   int64_t offset, int64_t limit, bool with_values) override;
  int64_t DeleteExpired(int64_t now, int64_t limit) override;

 private:
  Database& db_;
};

}  // namespace coffer::store::sqlite
