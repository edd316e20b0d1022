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
  EXPECT_TRUE(store_->Ping());
  EXPECT_FALSE(store_->HasAccounts());
  EXPECT_EQ(store_->FindAccountById(1), std::nullopt);
  EXPECT_TRUE(store_->ListApplications(1).empty());
}

TEST_F(SqliteStoreTest, ReopeningKeepsDataAndSchema) {
  const Account account = MakeAccount("dev");
  const Application app = store_->CreateApplication(account.id, "myapp", true, 1000, 0);
  Reopen();
  Reopen();  // migrations are idempotent
  EXPECT_TRUE(store_->HasAccounts());
  const auto found = store_->FindAccountByName("dev");
  ASSERT_TRUE(found);
  EXPECT_EQ(found->id, account.id);
  const auto found_app = store_->FindApplication(account.id, app.id);
  ASSERT_TRUE(found_app);
  EXPECT_EQ(found_app->short_name, "myapp");
  EXPECT_TRUE(found_app->secure_record_storage);
  EXPECT_TRUE(store_->FindServiceKey("dev-key"));
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
  EXPECT_FALSE(other->HasAccounts());

  const Account account = MakeAccount("dev");
  EXPECT_TRUE(other->HasAccounts());
  EXPECT_TRUE(other->FindAccountById(account.id));
  EXPECT_TRUE(other->FindServiceKey("dev-key"));

  const Application app = store_->CreateApplication(account.id, "first", false, 10, 0);
  ASSERT_EQ(other->ListApplications(account.id).size(), 1u);

  ASSERT_TRUE(store_->DeleteServiceKey("dev-key"));
  EXPECT_EQ(other->FindServiceKey("dev-key"), std::nullopt);

  store_->DeleteApplications(account.id, {false, {app.id}, {}});
  EXPECT_TRUE(other->ListApplications(account.id).empty());
}

TEST_F(SqliteStoreTest, FirstStoreSeesTheSecondStoresWrites) {
  const Account account = MakeAccount("dev");
  EXPECT_TRUE(store_->FindServiceKey("dev-key"));  // warm the reader connection
  {
    auto operator_store = Open();
    operator_store->AddServiceKey(Key("operator-key", account.id, {"Developer"}));
    ASSERT_TRUE(operator_store->SetApiKeyHash(account.id, "abc123"));
    operator_store->CreateApplication(account.id, "from-cli", false, 10, 0);
    ASSERT_TRUE(operator_store->DeleteServiceKey("dev-key"));
  }
  const auto key = store_->FindServiceKey("operator-key");
  ASSERT_TRUE(key);
  EXPECT_EQ(key->roles, (std::vector<std::string>{"Developer"}));
  EXPECT_EQ(store_->FindServiceKey("dev-key"), std::nullopt);
  EXPECT_EQ(store_->FindAccountById(account.id)->api_key_hash, "abc123");
  ASSERT_EQ(store_->ListApplications(account.id).size(), 1u);
  EXPECT_EQ(store_->ListApplications(account.id)[0].short_name, "from-cli");
}

TEST_F(SqliteStoreTest, ConcurrentWritersOnTwoStoresLoseNothing) {
  const Account account = MakeAccount("dev");
  auto other = Open();
  constexpr int kPerWriter = 15;
  auto writer = [&](SqliteStore& store, const std::string& prefix) {
    for (int i = 0; i < kPerWriter; ++i) {
      store.CreateApplication(account.id, prefix + std::to_string(i), false, i, 0);
    }
  };
  std::thread a([&] { writer(*store_, "a"); });
  std::thread b([&] { writer(*other, "b"); });
  a.join();
  b.join();
  const auto all = store_->ListApplications(account.id);
  ASSERT_EQ(all.size(), 2u * kPerWriter);
  std::set<int64_t> ids;
  for (const auto& app : all) ids.insert(app.id);
  EXPECT_EQ(ids.size(), all.size());
}

}  // namespace
}  // namespace coffer::store::sqlite
