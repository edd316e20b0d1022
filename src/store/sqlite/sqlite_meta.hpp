#pragma once

#include "store/meta.hpp"
#include "store/sqlite/database.hpp"

namespace coffer::store::sqlite {

// MetaStore on a SQLite Database, which it shares with the store's other areas.
class SqliteMeta final : public MetaStore {
 public:
  explicit SqliteMeta(Database& database) : db_(database) {}

  bool Ping() override;
  std::optional<std::string> Get(std::string_view name) override;
  std::string SetIfAbsent(const std::string& name, const std::string& value) override;
  // A shared lock on Database::lock_path(); it cannot be lost while the process lives, so
  // `on_fenced` never runs.
  std::unique_ptr<ServingLease> HoldServingLease(const std::string& watched,
                                                 std::function<void()> on_fenced) override;
  std::unique_ptr<SharedSnapshot> ShareSnapshot() override { return db_.ShareSnapshot(); }
  std::unique_ptr<CachedLookups> CacheLookups() override { return db_.CacheLookups(); }

 private:
  Database& db_;
};

}  // namespace coffer::store::sqlite
