// What only the SQLite backend does: one database file, created and migrated when opened.

#include "store/sqlite/sqlite_store.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <memory>
#include <string>

#include "store/sqlite/connection.hpp"
#include "support/temp_dir.hpp"

namespace coffer::store::sqlite {
namespace {

class SqliteStoreTest : public ::testing::Test {
 protected:
  std::unique_ptr<SqliteStore> Open() const {
    return std::make_unique<SqliteStore>(SqliteOptions{.path = path_});
  }

  int UserVersion() const {
    Connection connection(path_, 1000, true);
    StatementUse query(connection, "PRAGMA user_version");
    return query.Step() ? static_cast<int>(query.Int(0)) : 0;
  }

  testing_support::TempDir dir_;
  std::string path_ = dir_.File("coffer.db");
};

TEST_F(SqliteStoreTest, OpeningCreatesAndMigratesTheFile) {
  EXPECT_FALSE(std::filesystem::exists(path_));
  auto store = Open();
  EXPECT_TRUE(std::filesystem::exists(path_));
  const int version = UserVersion();
  EXPECT_GE(version, 3);
  store.reset();
  store = Open();
  EXPECT_EQ(UserVersion(), version) << "migrations run once";
  EXPECT_TRUE(store->meta().Ping());
}

TEST_F(SqliteStoreTest, RefusesASchemaNewerThanItself) {
  Open().reset();
  {
    Connection connection(path_, 1000, false);
    connection.Exec("PRAGMA user_version = 9999");
  }
  EXPECT_THROW(Open(), StoreError);
}

TEST_F(SqliteStoreTest, UnopenablePathIsAStoreError) {
  const std::string path = (dir_.path() / "missing-dir" / "coffer.db").string();
  EXPECT_THROW(SqliteStore(SqliteOptions{.path = path}), StoreError);
}

TEST_F(SqliteStoreTest, WritesShareCommits) {
  auto store = Open();
  ServiceKey key;
  key.key_id = "k";
  const auto account = store->accounts().Create("dev", "dev@localhost", 1, key).value();
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(
        store->applications().Create(account.id, "a" + std::to_string(i), false, 1, 0).ok());
  }
  EXPECT_EQ(store->committed_writes(), 4u);
  EXPECT_GE(store->committed_batches(), 1u);
}

}  // namespace
}  // namespace coffer::store::sqlite
