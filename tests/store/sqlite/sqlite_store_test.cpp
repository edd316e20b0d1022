// Opening, migrating and sharing one SQLite file between stores.

#include "store/sqlite/sqlite_store.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <set>
#include <thread>

#include "store/sqlite/connection.hpp"
#include "store_fixture.hpp"

namespace coffer::store::sqlite {
namespace {

TEST_F(SqliteStoreTest, NewFileIsMigratedAndEmpty) {
  EXPECT_TRUE(std::filesystem::exists(path_));
  EXPECT_TRUE(meta().Ping());
  EXPECT_FALSE(accounts().HasAny());
  EXPECT_EQ(accounts().FindById(1), std::nullopt);
  EXPECT_TRUE(applications().List(1).empty());
}

TEST_F(SqliteStoreTest, ReopeningKeepsDataAndSchema) {
  const Account account = MakeAccount("dev");
  const Application app = applications().Create(account.id, "myapp", true, 1000, 0).value();
  Reopen();
  Reopen();  // migrations are idempotent
  EXPECT_TRUE(accounts().HasAny());
  const auto found = accounts().FindByName("dev");
  ASSERT_TRUE(found);
  EXPECT_EQ(found->id, account.id);
  const auto found_app = applications().Find(account.id, app.id);
  ASSERT_TRUE(found_app);
  EXPECT_EQ(found_app->short_name, "myapp");
  EXPECT_TRUE(found_app->secure_record_storage);
  EXPECT_TRUE(accounts().FindKey("dev-key"));
}

TEST_F(SqliteStoreTest, RefusesASchemaNewerThanItself) {
  store_.reset();
  {
    Connection connection(path_, 1000, false);
    connection.Exec("PRAGMA user_version = 9999");
  }
  EXPECT_THROW(Open(), StoreError);
}

TEST(SqliteStoreOpenTest, UnopenablePathIsAStoreError) {
  testing_support::TempDir dir;
  const std::string path = (dir.path() / "missing-dir" / "coffer.db").string();
  EXPECT_THROW(SqliteStore(SqliteOptions{.path = path}), StoreError);
}

TEST_F(SqliteStoreTest, SecondStoreSeesTheFirstStoresWrites) {
  auto other = Open();
  // Read once before the writes, so the other store has a warm reader connection.
  EXPECT_FALSE(other->accounts().HasAny());

  const Account account = MakeAccount("dev");
  EXPECT_TRUE(other->accounts().HasAny());
  EXPECT_TRUE(other->accounts().FindById(account.id));
  EXPECT_TRUE(other->accounts().FindKey("dev-key"));

  const Application app = applications().Create(account.id, "first", false, 10, 0).value();
  ASSERT_EQ(other->applications().List(account.id).size(), 1u);

  ASSERT_EQ(accounts().DeleteKey("dev-key"), Outcome::kOk);
  EXPECT_EQ(other->accounts().FindKey("dev-key"), std::nullopt);

  ASSERT_EQ(applications().Delete(account.id, {false, {app.id}, {}}), kDeleted);
  EXPECT_TRUE(other->applications().List(account.id).empty());
}

TEST_F(SqliteStoreTest, FirstStoreSeesTheSecondStoresWrites) {
  const Account account = MakeAccount("dev");
  EXPECT_TRUE(accounts().FindKey("dev-key"));  // warm the reader connection
  {
    auto operator_store = Open();
    AccountStore& operator_accounts = operator_store->accounts();
    ASSERT_EQ(operator_accounts.AddKey(Key("operator-key", account.id, {"Developer"})),
              Outcome::kOk);
    ASSERT_EQ(operator_accounts.SetApiKeyHash(account.id, "abc123"), Outcome::kOk);
    ASSERT_TRUE(operator_store->applications().Create(account.id, "from-cli", false, 10, 0).ok());
    ASSERT_EQ(operator_accounts.DeleteKey("dev-key"), Outcome::kOk);
  }
  const auto key = accounts().FindKey("operator-key");
  ASSERT_TRUE(key);
  EXPECT_EQ(key->roles, (std::vector<std::string>{"Developer"}));
  EXPECT_EQ(accounts().FindKey("dev-key"), std::nullopt);
  EXPECT_EQ(accounts().FindById(account.id)->api_key_hash, "abc123");
  ASSERT_EQ(applications().List(account.id).size(), 1u);
  EXPECT_EQ(applications().List(account.id)[0].short_name, "from-cli");
}

TEST_F(SqliteStoreTest, ConcurrentWritersOnTwoStoresLoseNothing) {
  const Account account = MakeAccount("dev");
  auto other = Open();
  constexpr int kPerWriter = 15;
  auto writer = [&](SqliteStore& store, const std::string& prefix) {
    for (int i = 0; i < kPerWriter; ++i) {
      ASSERT_TRUE(
          store.applications().Create(account.id, prefix + std::to_string(i), false, i, 0).ok());
    }
  };
  std::thread a([&] { writer(*store_, "a"); });
  std::thread b([&] { writer(*other, "b"); });
  a.join();
  b.join();
  const auto all = applications().List(account.id);
  ASSERT_EQ(all.size(), 2u * kPerWriter);
  std::set<int64_t> ids;
  for (const auto& app : all) ids.insert(app.id);
  EXPECT_EQ(ids.size(), all.size());
}

}  // namespace
}  // namespace coffer::store::sqlite
