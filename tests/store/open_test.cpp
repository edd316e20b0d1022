// store::Open: the storage options pick and open a backend.

#include "store/open.hpp"

#include <gtest/gtest.h>

#include <filesystem>

#include "store/postgres/postgres_store.hpp"
#include "support/postgres_database.hpp"
#include "support/temp_dir.hpp"

namespace coffer::store {
namespace {

TEST(OpenTest, OpensTheSqliteDatabaseItIsGiven) {
  testing_support::TempDir dir;
  const std::string path = dir.File("coffer.db");
  const auto store = Open({.sqlite_path = path});
  ASSERT_NE(store, nullptr);
  EXPECT_TRUE(store->meta().Ping());
  EXPECT_FALSE(store->accounts().HasAny());
  EXPECT_TRUE(std::filesystem::exists(path));
}

TEST(OpenTest, OpensPostgresqlWhenAUrlIsGiven) {
  testing_support::TempDir dir;
  testing_support::PostgresDatabase database;
  const auto store = Open({.sqlite_path = dir.File("coffer.db"), .postgres_url = database.url()});
  ASSERT_NE(dynamic_cast<postgres::PostgresStore*>(store.get()), nullptr);
  EXPECT_TRUE(store->meta().Ping());
  EXPECT_FALSE(std::filesystem::exists(dir.File("coffer.db")));
}

TEST(OpenTest, AnUnreachablePostgresqlIsAStoreError) {
  EXPECT_THROW(Open({.postgres_url = "postgresql://127.0.0.1:1/coffer?connect_timeout=2"}),
               StoreError);
}

TEST(OpenTest, RefusesOptionsThatNameNoStorage) {
  EXPECT_THROW(Open(StorageOptions{}), StoreError);
}

TEST(OpenTest, AnUnopenableDatabaseIsAStoreError) {
  testing_support::TempDir dir;
  EXPECT_THROW(Open({.sqlite_path = dir.File("missing-dir/coffer.db")}), StoreError);
}

}  // namespace
}  // namespace coffer::store
