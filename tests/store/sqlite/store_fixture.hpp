#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "store/sqlite/sqlite_store.hpp"
#include "support/store_outcomes.hpp"
#include "support/temp_dir.hpp"

namespace coffer::store::sqlite {

// A SqliteStore on a fresh file in a temporary directory.
class SqliteStoreTest : public ::testing::Test {
 protected:
  SqliteStoreTest() : path_(dir_.File("coffer.db")) { Reopen(); }

  // Closes the store and opens the same file again.
  void Reopen() {
    store_.reset();
    store_ = Open();
  }

  // Another, independent store on the same file (as an operator command in another process).
  std::unique_ptr<SqliteStore> Open() const {
    return std::make_unique<SqliteStore>(SqliteOptions{.path = path_});
  }

  AccountStore& accounts() { return store_->accounts(); }
  ApplicationStore& applications() { return store_->applications(); }
  KeyValueStore& key_value() { return store_->key_value(); }
  SecretStore& secrets() { return store_->secrets(); }
  MetaStore& meta() { return store_->meta(); }

  static ServiceKey Key(std::string key_id, int64_t account_id = 0,
                        std::vector<std::string> roles = {"Owner"}) {
    ServiceKey key;
    key.key_id = std::move(key_id);
    key.account_id = account_id;
    key.public_key_pem =
        "-----BEGIN PUBLIC KEY-----\n" + key.key_id + "\n-----END PUBLIC KEY-----\n";
    key.roles = std::move(roles);
    key.description = "key " + key.key_id;
    key.created = 1'700'000'000;
    return key;
  }

  // A new account named `name` with one key `<name>-key`.
  Account MakeAccount(const std::string& name) {
    auto created =
        accounts().Create(name, name + "@example.com", 1'700'000'000, Key(name + "-key"));
    EXPECT_TRUE(created.ok()) << name;
    return created.value();
  }

  testing_support::TempDir dir_;
  std::string path_;
  std::unique_ptr<SqliteStore> store_;
};

}  // namespace coffer::store::sqlite
