#include "postgres_backend.hpp"

#include "store/postgres/postgres_store.hpp"
#include "support/postgres_database.hpp"

namespace coffer::store::postgres {

namespace {

class PostgresTestStorage final : public TestStorage {
 public:
  std::unique_ptr<Store> Open() override {
    return std::make_unique<PostgresStore>(PostgresOptions{.url = database_.url()});
  }

 private:
  testing_support::PostgresDatabase database_;
};

}  // namespace

StoreBackend PostgresBackend() {
  return StoreBackend{"Postgres", [] { return std::make_unique<PostgresTestStorage>(); }};
}

}  // namespace coffer::store::postgres
