// Sessions killed in the middle of a write (an administrator's pg_terminate_backend, a crashed
// backend, a cut connection): the write is reported unavailable, never as done; nothing of it
// is visible; every write reported done is there; and the store goes on with new sessions.

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "postgres_fixture.hpp"

namespace coffer::store::postgres {
namespace {

constexpr int64_t kNow = 1'700'000'000;
constexpr int64_t kExpires = kNow + 3600;

// Ends the store's sessions on the test database that match `condition`; returns how many.
int64_t Terminate(Connection& admin, const std::string& condition) {
  const std::string sql =
      "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
      "WHERE datname = current_database() AND pid <> pg_backend_pid() "
      // Not autovacuum's workers, nor another role's sessions: only the store's.
      "AND backend_type = 'client backend' AND usename = current_user AND " +
      condition;
  return admin.Exec(sql.c_str()).Int(0, 0);
}

TEST_F(PostgresTest, AWriteKilledInsideItsTransactionIsUnavailableAndLeavesNothing) {
  const auto store = Open(4);
  const int64_t app = MakeApplication(*store);
  // Another transaction holds the key, so the store's write stops inside its own transaction,
  // after its first statements, until the kill.
  const auto blocker = Session();
  blocker->Script("BEGIN");
  blocker->Exec(
      "INSERT INTO kv_items (application_id, key, value, expires_at) VALUES ($1, 'k', 'x', $2)",
      {Param::Int(app), Param::Int(kExpires)});
  std::atomic<int> answer = 0;  // 1 done, 2 unavailable, 3 another error
  std::thread writer([&] {
    try {
      answer = store->key_value().Put(app, KvItem{"k", "mine", kExpires}) == Outcome::kOk ? 1 : 3;
    } catch (const StoreUnavailable&) {
      answer = 2;
    } catch (const StoreError&) {
      answer = 3;
    }
  });
  const auto admin = Session();
  int64_t killed = 0;
  for (int i = 0; i < 500 && killed == 0; ++i) {
    killed = Terminate(*admin, "wait_event_type = 'Lock'");
    if (killed == 0) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  writer.join();
  ASSERT_EQ(killed, 1) << "the write never waited on the held key";
  EXPECT_EQ(answer, 2) << "a killed write is unavailable (503), never done";
  blocker->Script("ROLLBACK");
  EXPECT_EQ(store->key_value().Get(app, "k", kNow).outcome(), Outcome::kNotFound);
  // The store replaced the killed session; the same write now lands.
  EXPECT_EQ(store->key_value().Put(app, KvItem{"k", "mine", kExpires}), Outcome::kOk);
  EXPECT_EQ(store->key_value().Get(app, "k", kNow)->value, "mine");
}

TEST_F(PostgresTest, SessionsKilledUnderWriteLoadLoseNoAcknowledgedWrite) {
  const auto store = Open(8);
  const int64_t app = MakeApplication(*store);
  const int64_t account = store->accounts().FindByName("dev")->id;
  std::mutex mutex;
  std::set<std::string> done;  // "app-…" applications and item keys, acknowledged
  std::atomic<int> unavailable = 0;
  std::atomic<int> other_errors = 0;
  std::atomic<bool> stop = false;
  std::atomic<int64_t> killed = 0;
  // Writers put items and create applications (a multi-statement write) while every session
  // of the store is killed again and again, so kills land before, during and after commits.
  std::thread killer([&] {
    try {
      const auto admin = Session();
      while (!stop) {
        killed += Terminate(*admin, "true");
        std::this_thread::sleep_for(std::chrono::milliseconds(15));
      }
    } catch (const StoreError& e) {
      ADD_FAILURE() << "the killer's session failed: " << e.what();
    }
  });
  OnThreads(8, [&](int t) {
    for (int n = 0; n < 60; ++n) {
      const std::string id = std::to_string(t) + "-" + std::to_string(n);
      const bool application = n % 5 == 0;
      try {
        const bool ok =
            application
                ? store->applications().Create(account, "app-" + id, false, kNow, 0).ok()
                : store->key_value().Put(app, KvItem{id, "v:" + id, kExpires}) == Outcome::kOk;
        if (!ok) {
          ++other_errors;
          continue;
        }
        std::lock_guard lock(mutex);
        done.insert(application ? "app-" + id : id);
      } catch (const StoreUnavailable&) {
        ++unavailable;
      } catch (const StoreError& e) {
        ADD_FAILURE() << "not reported as unavailable: " << e.what();
        ++other_errors;
      }
    }
  });
  stop = true;
  killer.join();
  EXPECT_EQ(other_errors, 0);
  EXPECT_GT(killed, 0);
  EXPECT_GT(unavailable, 0) << "no kill met a write; the test proved nothing";
  EXPECT_GT(done.size(), 0u);
  // Every acknowledged write is there, whole, as a fresh node sees it.
  const auto reader = Open(2);
  for (const auto& key : done) {
    if (key.starts_with("app-")) {
      EXPECT_TRUE(reader->applications().FindByShortName(account, key).has_value()) << key;
    } else {
      const auto item = reader->key_value().Get(app, key, kNow);
      ASSERT_TRUE(item.ok()) << key;
      EXPECT_EQ(item->value, "v:" + key);
    }
  }
  // And the store serves again without a restart.
  EXPECT_EQ(store->key_value().Put(app, KvItem{"after", "v", kExpires}), Outcome::kOk);
}

}  // namespace
}  // namespace coffer::store::postgres
