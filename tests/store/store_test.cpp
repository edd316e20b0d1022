// Store conformance across handles: what one store handle writes, every other handle on the same
// storage (another process, another node) reads at once, and concurrent writers lose nothing.

#include <gtest/gtest.h>

#include <set>
#include <string>
#include <thread>
#include <vector>

#include "conformance.hpp"

namespace coffer::store {
namespace {

class StoreTest : public StoreConformanceTest {};

TEST_P(StoreTest, NewStorageIsEmptyAndAnswers) {
  EXPECT_TRUE(meta().Ping());
  EXPECT_FALSE(accounts().HasAny());
  EXPECT_EQ(accounts().FindById(1), std::nullopt);
  EXPECT_TRUE(applications().List(1).empty());
  EXPECT_TRUE(secrets().ListDataKeys().empty());
}

TEST_P(StoreTest, ReopeningKeepsTheData) {
  const Account account = MakeAccount("dev");
  const Application app = applications().Create(account.id, "myapp", true, 1000, 0).value();
  Reopen();
  Reopen();
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

TEST_P(StoreTest, SecondStoreSeesTheFirstStoresWrites) {
  auto other = OpenAnother();
  // Read once before the writes, so the other store has warm connections.
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

TEST_P(StoreTest, FirstStoreSeesTheSecondStoresWrites) {
  const Account account = MakeAccount("dev");
  EXPECT_TRUE(accounts().FindKey("dev-key"));  // warm the connections
  {
    auto operator_store = OpenAnother();
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

TEST_P(StoreTest, ConcurrentWritersOnTwoStoresLoseNothing) {
  const Account account = MakeAccount("dev");
  auto other = OpenAnother();
  constexpr int kPerWriter = 15;
  auto writer = [&](Store& store, const std::string& prefix) {
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

INSTANTIATE_TEST_SUITE_P(Backends, StoreTest, ::testing::ValuesIn(ConformanceBackends()),
                         BackendName);

}  // namespace
}  // namespace coffer::store
