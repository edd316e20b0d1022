#pragma once

#include "store/key_value.hpp"
#include "store/postgres/database.hpp"

namespace coffer::store::postgres {

// KeyValueStore on a PostgreSQL Database, which it shares with the store's other areas.
class PostgresKeyValue final : public KeyValueStore {
 public:
  explicit PostgresKeyValue(Database& database) : db_(database) {}

  Outcome Put(int64_t application_id, const KvItem& item) override;
  Result<KvItem> Get(int64_t application_id, std::string_view key, int64_t now) override;
  Outcome Delete(int64_t application_id, std::string_view key, int64_t now) override;
  Result<std::vector<KvItem>> List(int64_t application_id, std::string_view prefix, int64_t now,
                                   int64_t offset, int64_t limit, bool with_values) override;
  int64_t DeleteExpired(int64_t now, int64_t limit) override;

 private:
  // Reports the lookup generation a write saw; throws StaleLookups when it is not `expected`
  // (-1: anything goes), in which case the write wrote nothing.
  void CheckGeneration(int64_t seen, int64_t expected);

  Database& db_;
};

}  // namespace coffer::store::postgres
