#pragma once

// The store conformance suite: every test written against the interfaces of src/store/ runs on
// every backend that ConformanceBackends() lists. A backend joins by providing a StoreBackend
// (see sqlite/sqlite_backend.cpp) and adding it to backends.cpp.

#include <gtest/gtest.h>

#include <functional>
#include <memory>
#include <ostream>
#include <string>
#include <vector>

#include "store/store.hpp"
#include "support/store_outcomes.hpp"

namespace coffer::store {

// One test's storage on one backend: fresh and empty when made, removed when destroyed.
class TestStorage {
 public:
  virtual ~TestStorage() = default;
  // A new, independent handle on this storage, as another process or node would open it.
  virtual std::unique_ptr<Store> Open() = 0;
};

struct StoreBackend {
  std::string name;  // names the instantiated tests: Backends/<Suite>.<Test>/<name>
  std::function<std::unique_ptr<TestStorage>()> make_storage;
};

// Every backend the suite runs on.
std::vector<StoreBackend> ConformanceBackends();

// Test output names the backend instead of dumping its bytes.
inline void PrintTo(const StoreBackend& backend, std::ostream* os) { *os << backend.name; }

inline std::string BackendName(const ::testing::TestParamInfo<StoreBackend>& info) {
  return info.param.name;
}

// A store on fresh storage of the backend under test. Each test file derives its own suite
// from it and instantiates that suite for ConformanceBackends().
class StoreConformanceTest : public ::testing::TestWithParam<StoreBackend> {
 protected:
  StoreConformanceTest() : storage_(GetParam().make_storage()), store_(storage_->Open()) {}

  // Closes the store and opens the same storage again.
  void Reopen() {
    store_.reset();
    store_ = storage_->Open();
  }

  // Another, independent store on the same storage (as an operator command or another node).
  std::unique_ptr<Store> OpenAnother() { return storage_->Open(); }

  AccountStore& accounts() { return store_->accounts(); }
  ApplicationStore& applications() { return store_->applications(); }
  KeyValueStore& key_value() { return store_->key_value(); }
  SecretStore& secrets() { return store_->secrets(); }
  MetaStore& meta() { return store_->meta(); }
  AuditStore& audit() { return store_->audit(); }

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

  std::unique_ptr<TestStorage> storage_;
  std::unique_ptr<Store> store_;
};

}  // namespace coffer::store
