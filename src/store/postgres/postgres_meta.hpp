#pragma once

#include "store/meta.hpp"
#include "store/postgres/database.hpp"

namespace coffer::store::postgres {

// MetaStore on a PostgreSQL Database, which it shares with the store's other areas.
class PostgresMeta final : public MetaStore {
 public:
  explicit PostgresMeta(Database& database) : db_(database) {}

  bool Ping() override;
  std::optional<std::string> Get(std::string_view name) override;
  std::string SetIfAbsent(const std::string& name, const std::string& value) override;
  std::unique_ptr<ServingLease> HoldServingLease(const std::string& watched,
                                                 std::function<void()> on_fenced) override;
  std::unique_ptr<CachedLookups> CacheLookups() override { return db_.CacheLookups(); }

 private:
  Database& db_;
};

}  // namespace coffer::store::postgres
