// AccountStore conformance: accounts and service-account keys, on every backend.

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "conformance.hpp"

namespace coffer::store {
namespace {

class AccountsTest : public StoreConformanceTest {};

using Roles = std::vector<std::string>;

TEST_P(AccountsTest, CreateAccountStoresAccountAndFirstKey) {
  ServiceKey first = Key("k1", /*account_id=*/999, {"Owner"});  // account_id is ignored
  const auto created = accounts().Create("dev", "dev@localhost", 1234, first);
  ASSERT_TRUE(created.ok());
  const Account& account = created.value();
  EXPECT_GE(account.id, 1);
  EXPECT_EQ(account.name, "dev");
  EXPECT_EQ(account.email, "dev@localhost");
  EXPECT_EQ(account.api_key_hash, "");
  EXPECT_EQ(account.created, 1234);
  EXPECT_TRUE(accounts().HasAny());

  const auto key = accounts().FindKey("k1");
  ASSERT_TRUE(key);
  EXPECT_EQ(key->account_id, account.id);
  EXPECT_EQ(key->public_key_pem, first.public_key_pem);
  EXPECT_EQ(key->roles, Roles{"Owner"});
  EXPECT_EQ(key->description, "key k1");
  EXPECT_TRUE(key->enabled);
  EXPECT_EQ(key->created, first.created);
  EXPECT_EQ(key->account_name, "dev") << "the key is read with its account's name";
}

TEST_P(AccountsTest, AccountIdsIncrease) {
  const Account a = MakeAccount("alpha");
  const Account b = MakeAccount("beta");
  EXPECT_GT(b.id, a.id);
}

TEST_P(AccountsTest, FindsAccountsByIdNameAndEmail) {
  const Account dev = MakeAccount("dev");
  const Account other = MakeAccount("other");
  EXPECT_EQ(accounts().FindById(dev.id)->name, "dev");
  EXPECT_EQ(accounts().FindById(other.id)->name, "other");
  EXPECT_EQ(accounts().FindByName("other")->id, other.id);
  EXPECT_EQ(accounts().FindByEmail("dev@example.com")->id, dev.id);

  EXPECT_EQ(accounts().FindById(other.id + 100), std::nullopt);
  EXPECT_EQ(accounts().FindById(0), std::nullopt);
  EXPECT_EQ(accounts().FindById(-1), std::nullopt);
  EXPECT_EQ(accounts().FindByName("nobody"), std::nullopt);
  EXPECT_EQ(accounts().FindByName(""), std::nullopt);
  EXPECT_EQ(accounts().FindByEmail("nobody@example.com"), std::nullopt);
}

TEST_P(AccountsTest, DuplicateAccountNameConflictsAndLeavesNoKeyBehind) {
  const Account dev = MakeAccount("dev");
  EXPECT_EQ(accounts().Create("dev", "second@example.com", 1, Key("second-key")).outcome(),
            Outcome::kConflict);
  EXPECT_EQ(accounts().FindKey("second-key"), std::nullopt);
  EXPECT_EQ(accounts().FindByEmail("second@example.com"), std::nullopt);
  ASSERT_EQ(accounts().ListKeys(dev.id).size(), 1u);
  // The store still works after the rolled-back transaction.
  EXPECT_NO_THROW(MakeAccount("next"));
}

TEST_P(AccountsTest, DuplicateFirstKeyIdConflictsAndLeavesNoAccountBehind) {
  MakeAccount("dev");
  EXPECT_EQ(accounts().Create("fresh", "fresh@example.com", 1, Key("dev-key")).outcome(),
            Outcome::kConflict);
  EXPECT_EQ(accounts().FindByName("fresh"), std::nullopt);
}

TEST_P(AccountsTest, CreateFirstCreatesOnlyTheFirstAccount) {
  const auto first = accounts().CreateFirst("dev", "dev@localhost", 1, Key("first-key"));
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(first->id, 1);
  EXPECT_EQ(first->name, "dev");
  EXPECT_EQ(accounts().FindKey("first-key")->account_id, 1);
  EXPECT_EQ(accounts().CreateFirst("again", "again@localhost", 1, Key("second-key")).outcome(),
            Outcome::kConflict);
  EXPECT_EQ(accounts().FindByName("again"), std::nullopt);
  EXPECT_EQ(accounts().FindKey("second-key"), std::nullopt);
}

TEST_P(AccountsTest, CreateFirstAfterAnyAccountIsAConflict) {
  MakeAccount("ops");
  EXPECT_EQ(accounts().CreateFirst("dev", "dev@localhost", 1, Key("late-key")).outcome(),
            Outcome::kConflict);
  EXPECT_EQ(accounts().FindByName("dev"), std::nullopt);
}

TEST_P(AccountsTest, OfRacingCreateFirstsOnSeveralStoresExactlyOneWins) {
  constexpr int kRacers = 6;
  std::vector<std::unique_ptr<Store>> stores;
  for (int i = 0; i < kRacers; ++i) stores.push_back(OpenAnother());
  std::atomic<int> ready = 0;
  std::atomic<int> wins = 0;
  std::vector<std::thread> threads;
  for (int i = 0; i < kRacers; ++i) {
    threads.emplace_back([&, i] {
      ++ready;
      while (ready < kRacers) std::this_thread::yield();
      // Distinct names: only the store's own check can keep a second account out.
      const std::string name = "racer-" + std::to_string(i);
      const auto created =
          stores[i]->accounts().CreateFirst(name, name + "@localhost", 1, Key(name + "-key"));
      if (created.ok()) {
        ++wins;
      } else {
        EXPECT_EQ(created.outcome(), Outcome::kConflict);
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(wins.load(), 1);
  int accounts_found = 0;
  for (int i = 0; i < kRacers; ++i) {
    if (const auto account = accounts().FindByName("racer-" + std::to_string(i))) {
      ++accounts_found;
      EXPECT_EQ(account->id, 1);
      EXPECT_EQ(accounts().ListKeys(1).size(), 1u);
    }
  }
  EXPECT_EQ(accounts_found, 1);
  EXPECT_EQ(accounts().FindById(2), std::nullopt);
}

TEST_P(AccountsTest, SetApiKeyHash) {
  const Account dev = MakeAccount("dev");
  EXPECT_EQ(accounts().SetApiKeyHash(dev.id, "hash-1"), Outcome::kOk);
  EXPECT_EQ(accounts().FindById(dev.id)->api_key_hash, "hash-1");
  EXPECT_EQ(accounts().SetApiKeyHash(dev.id, "hash-2"), Outcome::kOk);  // replaces
  EXPECT_EQ(accounts().FindByName("dev")->api_key_hash, "hash-2");
  EXPECT_EQ(accounts().SetApiKeyHash(dev.id + 1, "hash-3"), Outcome::kNotFound);
}

TEST_P(AccountsTest, AddServiceKeyToUnknownAccountIsNotFound) {
  MakeAccount("dev");
  EXPECT_EQ(accounts().AddKey(Key("orphan", 4242)), Outcome::kNotFound);
  EXPECT_EQ(accounts().FindKey("orphan"), std::nullopt);
}

TEST_P(AccountsTest, AddServiceKeyWithExistingIdConflicts) {
  const Account dev = MakeAccount("dev");
  const Account other = MakeAccount("other");
  EXPECT_EQ(accounts().AddKey(Key("dev-key", dev.id)), Outcome::kConflict);
  EXPECT_EQ(accounts().AddKey(Key("dev-key", other.id)), Outcome::kConflict);
  EXPECT_EQ(accounts().FindKey("dev-key")->account_id, dev.id);
  EXPECT_EQ(accounts().FindKey("dev-key")->account_name, "dev");
  EXPECT_EQ(accounts().ListKeys(other.id).at(0).account_name, "other");
}

TEST_P(AccountsTest, RolesRoundTrip) {
  const Account dev = MakeAccount("dev");
  const std::vector<Roles> cases = {
      {},
      {"Owner"},
      {"CallList Manager"},
      {"Developer", "CallList Manager", "ACD Stats"},
      {"User Manager", "User Read", "User Update"},
  };
  int n = 0;
  for (const auto& roles : cases) {
    const std::string id = "key-" + std::to_string(n++);
    ASSERT_EQ(accounts().AddKey(Key(id, dev.id, roles)), Outcome::kOk);
    const auto key = accounts().FindKey(id);
    ASSERT_TRUE(key);
    EXPECT_EQ(key->roles, roles) << id;
  }
}

TEST_P(AccountsTest, KeyFieldsRoundTrip) {
  const Account dev = MakeAccount("dev");
  ServiceKey key = Key("disabled", dev.id, {"Support"});
  key.enabled = false;
  key.description = "rotated out; \xC3\xA9t\xC3\xA9";
  key.created = 1'800'000'000;
  ASSERT_EQ(accounts().AddKey(key), Outcome::kOk);
  const auto found = accounts().FindKey("disabled");
  ASSERT_TRUE(found);
  EXPECT_FALSE(found->enabled);
  EXPECT_EQ(found->description, key.description);
  EXPECT_EQ(found->created, 1'800'000'000);
  EXPECT_EQ(found->public_key_pem, key.public_key_pem);
}

TEST_P(AccountsTest, KeyIdsAreExactAndCaseSensitive) {
  MakeAccount("dev");
  EXPECT_TRUE(accounts().FindKey("dev-key"));
  EXPECT_EQ(accounts().FindKey("DEV-KEY"), std::nullopt);
  EXPECT_EQ(accounts().FindKey("dev-key "), std::nullopt);
  EXPECT_EQ(accounts().FindKey(""), std::nullopt);
}

TEST_P(AccountsTest, ListServiceKeysIsPerAccount) {
  const Account dev = MakeAccount("dev");
  const Account other = MakeAccount("other");
  ServiceKey later = Key("b-later", dev.id);
  later.created = 1'700'000'100;
  ASSERT_EQ(accounts().AddKey(later), Outcome::kOk);
  ASSERT_EQ(accounts().AddKey(Key("a-same-time", dev.id)), Outcome::kOk);

  std::vector<std::string> ids;
  for (const auto& key : accounts().ListKeys(dev.id)) {
    EXPECT_EQ(key.account_id, dev.id);
    ids.push_back(key.key_id);
  }
  std::sort(ids.begin(), ids.end());  // the order is not part of the contract
  EXPECT_EQ(ids, (std::vector<std::string>{"a-same-time", "b-later", "dev-key"}));
  ASSERT_EQ(accounts().ListKeys(other.id).size(), 1u);
  EXPECT_TRUE(accounts().ListKeys(other.id + 10).empty());
}

TEST_P(AccountsTest, DeleteServiceKey) {
  const Account dev = MakeAccount("dev");
  ASSERT_EQ(accounts().AddKey(Key("second", dev.id)), Outcome::kOk);
  EXPECT_EQ(accounts().DeleteKey("dev-key"), Outcome::kOk);
  EXPECT_EQ(accounts().FindKey("dev-key"), std::nullopt);
  EXPECT_EQ(accounts().DeleteKey("dev-key"), Outcome::kNotFound);
  EXPECT_EQ(accounts().DeleteKey("never-existed"), Outcome::kNotFound);
  ASSERT_EQ(accounts().ListKeys(dev.id).size(), 1u);
  EXPECT_EQ(accounts().ListKeys(dev.id)[0].key_id, "second");
  // The account itself stays.
  EXPECT_TRUE(accounts().FindById(dev.id));
}

INSTANTIATE_TEST_SUITE_P(Backends, AccountsTest, ::testing::ValuesIn(ConformanceBackends()),
                         BackendName);

}  // namespace
}  // namespace coffer::store
