#pragma once

#include <gtest/gtest.h>

#include <cstddef>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "store/postgres/connection.hpp"
#include "store/postgres/postgres_store.hpp"
#include "support/postgres_database.hpp"
#include "support/store_outcomes.hpp"

namespace coffer::store::postgres {

// A fresh database on the test cluster; each Open() is an independent store on it, as another
// node would be.
class PostgresTest : public ::testing::Test {
 protected:
  std::unique_ptr<PostgresStore> Open(std::size_t pool_size = 16) const {
    return std::make_unique<PostgresStore>(
        PostgresOptions{.url = database_.url(), .pool_size = pool_size});
  }

  // A session of its own on the test database, for what no store call shows.
  std::unique_ptr<Connection> Session() const {
    return std::make_unique<Connection>(ConnectionOptions{.url = database_.url()});
  }

  static ServiceKey Key(const std::string& key_id) {
    ServiceKey key;
    key.key_id = key_id;
    key.public_key_pem = "-----BEGIN PUBLIC KEY-----\n" + key_id + "\n-----END PUBLIC KEY-----\n";
    key.roles = {"Owner"};
    key.created = 1'700'000'000;
    return key;
  }

  // A new account `name` with an application `app`, on `store`; returns the application id.
  static int64_t MakeApplication(Store& store, const std::string& name = "dev") {
    const auto account =
        store.accounts().Create(name, name + "@example.com", 1'700'000'000, Key(name + "-key"));
    EXPECT_TRUE(account.ok());
    const auto app = store.applications().Create(account->id, "app", false, 1'700'000'000, 0);
    EXPECT_TRUE(app.ok());
    return app->id;
  }

  // Runs `body(i)` on `count` threads at once and waits for all.
  template <typename F>
  static void OnThreads(int count, F body) {
    std::vector<std::thread> threads;
    for (int i = 0; i < count; ++i) threads.emplace_back(body, i);
    for (auto& thread : threads) thread.join();
  }

  testing_support::PostgresDatabase database_;
};

}  // namespace coffer::store::postgres
