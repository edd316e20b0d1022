// Store metadata and health of SqliteStore.

#include "store/sqlite/sqlite_meta.hpp"

#include "store/sqlite/file_lock.hpp"

namespace coffer::store::sqlite {

namespace {

std::optional<std::string> SelectMeta(Connection& c, std::string_view name) {
  StatementUse query(c, "SELECT value FROM meta WHERE name = ?");
  query.Bind(1, name);
  if (!query.Step()) return std::nullopt;
  return query.Text(0);
}

}  // namespace

bool SqliteMeta::Ping() {
  try {
    return db_.Read([](Connection& c) { return StatementUse(c, "SELECT 1").Step(); });
  } catch (const StoreError&) {
    return false;
  }
}

std::optional<std::string> SqliteMeta::Get(std::string_view name) {
  return db_.Read([&](Connection& c) { return SelectMeta(c, name); });
}

std::string SqliteMeta::SetIfAbsent(const std::string& name, const std::string& value) {
  return db_.Write([&](Connection& c) {
    StatementUse(c, "INSERT INTO meta (name, value) VALUES (?, ?) ON CONFLICT (name) DO NOTHING")
        .Bind(1, name)
        .BindBlob(2, value)
        .Run();
    auto in_force = SelectMeta(c, name);
    if (!in_force) throw StoreError("store value " + name + " vanished");
    return std::move(*in_force);
  });
}

namespace {

class FileLease final : public ServingLease {
 public:
  explicit FileLease(FileLock lock) : lock_(std::move(lock)) {}

 private:
  FileLock lock_;
};

}  // namespace

std::unique_ptr<ServingLease> SqliteMeta::HoldServingLease(const std::string&,
                                                           std::function<void()>) {
  FileLock lock(db_.lock_path(), FileLock::Mode::kShared);
  if (!lock.held()) throw StoreError("a master-key rotation is in progress on this database");
  return std::make_unique<FileLease>(std::move(lock));
}

}  // namespace coffer::store::sqlite
