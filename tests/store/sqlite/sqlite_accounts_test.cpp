// Accounts and service-account keys of SqliteStore.

#include <gtest/gtest.h>

#include <algorithm>
#include <stdexcept>
#include <string>
#include <vector>

#include "store_fixture.hpp"

namespace coffer::store::sqlite {
namespace {

using Roles = std::vector<std::string>;

TEST_F(SqliteStoreTest, CreateAccountStoresAccountAndFirstKey) {
  ServiceKey first = Key("k1", /*account_id=*/999, {"Owner"});  // account_id is ignored
  const Account account = store_->CreateAccount("dev", "dev@localhost", 1234, first);
  EXPECT_GE(account.id, 1);
  EXPECT_EQ(account.name, "dev");
  EXPECT_EQ(account.email, "dev@localhost");
  EXPECT_EQ(account.api_key_hash, "");
  EXPECT_EQ(account.created, 1234);
  EXPECT_TRUE(store_->HasAccounts());

  const auto key = store_->FindServiceKey("k1");
  ASSERT_TRUE(key);
  EXPECT_EQ(key->account_id, account.id);
  EXPECT_EQ(key->public_key_pem, first.public_key_pem);
  EXPECT_EQ(key->roles, Roles{"Owner"});
  EXPECT_EQ(key->description, "key k1");
  EXPECT_TRUE(key->enabled);
  EXPECT_EQ(key->created, first.created);
  EXPECT_EQ(key->account_name, "dev") << "the key is read with its account's name";
}

TEST_F(SqliteStoreTest, AccountIdsIncrease) {
  const Account a = MakeAccount("alpha");
  const Account b = MakeAccount("beta");
  EXPECT_GT(b.id, a.id);
}

TEST_F(SqliteStoreTest, FindsAccountsByIdNameAndEmail) {
  const Account dev = MakeAccount("dev");
  const Account other = MakeAccount("other");
  EXPECT_EQ(store_->FindAccountById(dev.id)->name, "dev");
  EXPECT_EQ(store_->FindAccountById(other.id)->name, "other");
  EXPECT_EQ(store_->FindAccountByName("other")->id, other.id);
  EXPECT_EQ(store_->FindAccountByEmail("dev@example.com")->id, dev.id);

  EXPECT_EQ(store_->FindAccountById(other.id + 100), std::nullopt);
  EXPECT_EQ(store_->FindAccountById(0), std::nullopt);
  EXPECT_EQ(store_->FindAccountById(-1), std::nullopt);
  EXPECT_EQ(store_->FindAccountByName("nobody"), std::nullopt);
  EXPECT_EQ(store_->FindAccountByName(""), std::nullopt);
  EXPECT_EQ(store_->FindAccountByEmail("nobody@example.com"), std::nullopt);
}

TEST_F(SqliteStoreTest, DuplicateAccountNameConflictsAndLeavesNoKeyBehind) {
  const Account dev = MakeAccount("dev");
  EXPECT_THROW(store_->CreateAccount("dev", "second@example.com", 1, Key("second-key")), Conflict);
  EXPECT_EQ(store_->FindServiceKey("second-key"), std::nullopt);
  EXPECT_EQ(store_->FindAccountByEmail("second@example.com"), std::nullopt);
  ASSERT_EQ(store_->ListServiceKeys(dev.id).size(), 1u);
  // The store still works after the rolled-back transaction.
  EXPECT_NO_THROW(MakeAccount("next"));
}

TEST_F(SqliteStoreTest, DuplicateFirstKeyIdConflictsAndLeavesNoAccountBehind) {
  MakeAccount("dev");
  EXPECT_THROW(store_->CreateAccount("fresh", "fresh@example.com", 1, Key("dev-key")), Conflict);
  EXPECT_EQ(store_->FindAccountByName("fresh"), std::nullopt);
}

TEST_F(SqliteStoreTest, SetApiKeyHash) {
  const Account dev = MakeAccount("dev");
  EXPECT_TRUE(store_->SetApiKeyHash(dev.id, "hash-1"));
  EXPECT_EQ(store_->FindAccountById(dev.id)->api_key_hash, "hash-1");
  EXPECT_TRUE(store_->SetApiKeyHash(dev.id, "hash-2"));  // replaces
  EXPECT_EQ(store_->FindAccountByName("dev")->api_key_hash, "hash-2");
  EXPECT_FALSE(store_->SetApiKeyHash(dev.id + 1, "hash-3"));
}

TEST_F(SqliteStoreTest, AddServiceKeyToUnknownAccountIsInvalidArgument) {
  MakeAccount("dev");
  EXPECT_THROW(store_->AddServiceKey(Key("orphan", 4242)), std::invalid_argument);
  EXPECT_EQ(store_->FindServiceKey("orphan"), std::nullopt);
}

TEST_F(SqliteStoreTest, AddServiceKeyWithExistingIdConflicts) {
  const Account dev = MakeAccount("dev");
  const Account other = MakeAccount("other");
  EXPECT_THROW(store_->AddServiceKey(Key("dev-key", dev.id)), Conflict);
  EXPECT_THROW(store_->AddServiceKey(Key("dev-key", other.id)), Conflict);
  EXPECT_EQ(store_->FindServiceKey("dev-key")->account_id, dev.id);
  EXPECT_EQ(store_->FindServiceKey("dev-key")->account_name, "dev");
  EXPECT_EQ(store_->ListServiceKeys(other.id).at(0).account_name, "other");
}

TEST_F(SqliteStoreTest, RolesRoundTrip) {
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
    store_->AddServiceKey(Key(id, dev.id, roles));
    const auto key = store_->FindServiceKey(id);
    ASSERT_TRUE(key);
    EXPECT_EQ(key->roles, roles) << id;
  }
}

TEST_F(SqliteStoreTest, KeyFieldsRoundTrip) {
  const Account dev = MakeAccount("dev");
  ServiceKey key = Key("disabled", dev.id, {"Support"});
  key.enabled = false;
  key.description = "rotated out; \xC3\xA9t\xC3\xA9";
  key.created = 1'800'000'000;
  store_->AddServiceKey(key);
  const auto found = store_->FindServiceKey("disabled");
  ASSERT_TRUE(found);
  EXPECT_FALSE(found->enabled);
  EXPECT_EQ(found->description, key.description);
  EXPECT_EQ(found->created, 1'800'000'000);
  EXPECT_EQ(found->public_key_pem, key.public_key_pem);
}

TEST_F(SqliteStoreTest, KeyIdsAreExactAndCaseSensitive) {
  MakeAccount("dev");
  EXPECT_TRUE(store_->FindServiceKey("dev-key"));
  EXPECT_EQ(store_->FindServiceKey("DEV-KEY"), std::nullopt);
  EXPECT_EQ(store_->FindServiceKey("dev-key "), std::nullopt);
  EXPECT_EQ(store_->FindServiceKey(""), std::nullopt);
}

TEST_F(SqliteStoreTest, ListServiceKeysIsPerAccount) {
  const Account dev = MakeAccount("dev");
  const Account other = MakeAccount("other");
  ServiceKey later = Key("b-later", dev.id);
  later.created = 1'700'000'100;
  store_->AddServiceKey(later);
  store_->AddServiceKey(Key("a-same-time", dev.id));

  std::vector<std::string> ids;
  for (const auto& key : store_->ListServiceKeys(dev.id)) {
    EXPECT_EQ(key.account_id, dev.id);
    ids.push_back(key.key_id);
  }
  std::sort(ids.begin(), ids.end());  // the order is not part of the contract
  EXPECT_EQ(ids, (std::vector<std::string>{"a-same-time", "b-later", "dev-key"}));
  ASSERT_EQ(store_->ListServiceKeys(other.id).size(), 1u);
  EXPECT_TRUE(store_->ListServiceKeys(other.id + 10).empty());
}

TEST_F(SqliteStoreTest, DeleteServiceKey) {
  const Account dev = MakeAccount("dev");
  store_->AddServiceKey(Key("second", dev.id));
  EXPECT_TRUE(store_->DeleteServiceKey("dev-key"));
  EXPECT_EQ(store_->FindServiceKey("dev-key"), std::nullopt);
  EXPECT_FALSE(store_->DeleteServiceKey("dev-key"));
  EXPECT_FALSE(store_->DeleteServiceKey("never-existed"));
  ASSERT_EQ(store_->ListServiceKeys(dev.id).size(), 1u);
  EXPECT_EQ(store_->ListServiceKeys(dev.id)[0].key_id, "second");
  // The account itself stays.
  EXPECT_TRUE(store_->FindAccountById(dev.id));
}

}  // namespace
}  // namespace coffer::store::sqlite
