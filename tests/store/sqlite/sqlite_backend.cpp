#include "sqlite_backend.hpp"

#include "store/sqlite/sqlite_store.hpp"
#include "support/temp_dir.hpp"

namespace coffer::store::sqlite {

namespace {

class SqliteTestStorage final : public TestStorage {
 public:
  std::unique_ptr<Store> Open() override {
    return std::make_unique<SqliteStore>(SqliteOptions{.path = dir_.File("coffer.db")});
  }

 private:
  testing_support::TempDir dir_;
};

}  // namespace

StoreBackend SqliteBackend() {
  return StoreBackend{"Sqlite", [] { return std::make_unique<SqliteTestStorage>(); }};
}

}  // namespace coffer::store::sqlite
