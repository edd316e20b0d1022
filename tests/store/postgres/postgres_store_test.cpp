// Opening and migrating a PostgreSQL store, its connections, and what only PostgreSQL could
// get wrong: bytes that are not text.

#include "store/postgres/postgres_store.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "postgres_fixture.hpp"
#include "store/postgres/migrations.hpp"
#include "store/postgres/postgres_key_value.hpp"
#include "store/postgres/serving_lease.hpp"

namespace coffer::store::postgres {
namespace {

constexpr int64_t kNow = 1'700'000'000;

using Keys = std::vector<std::string>;

std::vector<std::string> ListKeys(Store& store, int64_t app, std::string_view prefix) {
  std::vector<std::string> keys;
  for (const auto& item : store.key_value().List(app, prefix, kNow, 0, 50, true).value()) {
    EXPECT_EQ(item.value, "v:" + item.key);
    keys.push_back(item.key);
  }
  return keys;
}

TEST_F(PostgresTest, StoresStartingTogetherMigrateOnce) {
  std::atomic<int> failures = 0;
  OnThreads(6, [&](int) {
    try {
      Open(1);
    } catch (const StoreError& e) {
      ADD_FAILURE() << e.what();
      ++failures;
    }
  });
  EXPECT_EQ(failures, 0);
  const Rows versions = Session()->Exec("SELECT version FROM schema_version ORDER BY version");
  ASSERT_EQ(versions.size(), KnownSchemaVersion());
  for (int row = 0; row < versions.size(); ++row) EXPECT_EQ(versions.Int(row, 0), row + 1);
}

TEST_F(PostgresTest, ReopeningKeepsTheSchemaAndTheData) {
  const int64_t app = MakeApplication(*Open());
  const auto store = Open();
  EXPECT_TRUE(store->accounts().HasAny());
  EXPECT_TRUE(store->applications().Find(store->accounts().FindByName("dev")->id, app));
  EXPECT_EQ(Session()->Exec("SELECT count(*) FROM schema_version").Int(0, 0), KnownSchemaVersion());
}

TEST_F(PostgresTest, RefusesASchemaNewerThanItself) {
  Open();
  Session()->Exec("INSERT INTO schema_version (version) VALUES (9999)");
  try {
    Open();
    FAIL() << "a store opened a schema newer than itself";
  } catch (const StoreError& e) {
    EXPECT_NE(std::string(e.what()).find("newer than this coffer"), std::string::npos) << e.what();
  }
}

TEST(PostgresOpenTest, AnUnreachableServerIsUnavailableWithoutThePassword) {
  // Port 1 on loopback: nothing listens there, so the connection is refused at once.
  const PostgresOptions options{.url = "postgresql://someone:hunter2-secret@127.0.0.1:1/db",
                                .connect_timeout_s = 2};
  try {
    PostgresStore store(options);
    FAIL() << "opened a store on a closed port";
  } catch (const StoreUnavailable& e) {
    EXPECT_EQ(std::string(e.what()).find("hunter2-secret"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("cannot connect"), std::string::npos) << e.what();
    // One line for one log line, however libpq laid its message out.
    EXPECT_EQ(std::string(e.what()).find_first_of("\n\t"), std::string::npos) << e.what();
    EXPECT_EQ(std::string(e.what()).find("  "), std::string::npos) << e.what();
  }
}

TEST_F(PostgresTest, SessionsCommitDurablyWhateverTheDatabaseDefault) {
  Session()->Script(
      ("ALTER DATABASE " + database_.name() + " SET synchronous_commit = off").c_str());
  EXPECT_EQ(Session()->Exec("SHOW synchronous_commit").Bytes(0, 0), "on");
}

TEST_F(PostgresTest, NeverOpensMoreConnectionsThanThePoolSize) {
  const auto store = Open(2);
  const int64_t app = MakeApplication(*store);
  std::atomic<int> peak = 0;
  OnThreads(6, [&](int thread) {
    for (int i = 0; i < 20; ++i) {
      const std::string key = std::to_string(thread) + ":" + std::to_string(i);
      EXPECT_EQ(store->key_value().Put(app, KvItem{key, "v", kNow + 100}), Outcome::kOk);
      peak = std::max<int>(peak, static_cast<int>(store->open_connections()));
    }
  });
  EXPECT_LE(peak, 2);
  const Rows sessions = Session()->Exec(
      "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
      "AND pid <> pg_backend_pid()");
  EXPECT_LE(sessions.Int(0, 0), 2);
  EXPECT_EQ(store->key_value().List(app, "", kNow, 0, 200, false)->size(), 120u);
}

TEST_F(PostgresTest, ReplacesConnectionsTheServerClosed) {
  const auto store = Open(4);
  MakeApplication(*store);
  // Every session of the store, idle in the pool, is ended by the server (a restart or an
  // administrator does the same).
  const Rows ended = Session()->Exec(
      "SELECT pg_terminate_backend(pid, 5000) FROM pg_stat_activity "
      "WHERE datname = current_database() AND pid <> pg_backend_pid()");
  ASSERT_GE(ended.size(), 1);
  // A call may fail on a session that broke under it; the next one runs on a new session.
  int failures = 0;
  for (int attempt = 0; attempt < 3; ++attempt) {
    try {
      EXPECT_TRUE(store->accounts().HasAny());
      break;
    } catch (const StoreUnavailable&) {  // the request would be answered 503, Retry-After
      ++failures;
    }
  }
  EXPECT_LE(failures, 1);
  EXPECT_TRUE(store->meta().Ping());
}

TEST_F(PostgresTest, KeysOrderAndMatchPrefixesAsBytes) {
  const auto store = Open();
  const int64_t app = MakeApplication(*store);
  const Keys keys = {std::string("\0a", 2),
                     "a",
                     "a\x7F",
                     "a\xFF",
                     "a\xFF\x01",
                     "a\xFF\xFF",
                     "b",
                     "\xC3\xA9",
                     "\xFF",
                     "\xFF\xFF",
                     std::string("\xFF\xFF\x00x", 4)};
  for (const auto& key : keys) {
    ASSERT_EQ(store->key_value().Put(app, KvItem{key, "v:" + key, kNow + 100}), Outcome::kOk);
  }
  EXPECT_EQ(ListKeys(*store, app, ""), keys);
  EXPECT_EQ(ListKeys(*store, app, "a\xFF"), (Keys{"a\xFF", "a\xFF\x01", "a\xFF\xFF"}));
  EXPECT_EQ(ListKeys(*store, app, "\xFF"), (Keys{"\xFF", "\xFF\xFF", keys.back()}));
  EXPECT_EQ(ListKeys(*store, app, "\xFF\xFF"), (Keys{"\xFF\xFF", keys.back()}));
  EXPECT_EQ(ListKeys(*store, app, std::string("\0", 1)), Keys{std::string("\0a", 2)});
  EXPECT_EQ(store->key_value().Get(app, "a\xFF\x01", kNow)->value, "v:a\xFF\x01");
}

TEST_F(PostgresTest, ValuesKeepEveryByte) {
  const auto store = Open();
  const int64_t app = MakeApplication(*store);
  constexpr char kRaw[] = "nul\0 \xFF\xFE invalid utf-8 \\x00 '\"";
  const std::string value(kRaw, sizeof(kRaw) - 1);
  ASSERT_EQ(store->key_value().Put(app, KvItem{"k", value, kNow + 1}), Outcome::kOk);
  EXPECT_EQ(store->key_value().Get(app, "k", kNow)->value, value);
  ASSERT_EQ(store->meta().SetIfAbsent("check", value), value);
  EXPECT_EQ(store->meta().Get("check"), value);
}

TEST_F(PostgresTest, NamesThatAreNotTextMatchNothing) {
  const auto store = Open();
  const int64_t app = MakeApplication(*store);
  const int64_t account = store->accounts().FindByName("dev")->id;
  const std::string nul("a\0b", 3);
  const std::string invalid = "\xFF";
  for (const auto& name : {nul, invalid}) {
    EXPECT_EQ(store->accounts().FindByName(name), std::nullopt);
    EXPECT_EQ(store->accounts().FindKey(name), std::nullopt);
    EXPECT_EQ(store->accounts().DeleteKey(name), Outcome::kNotFound);
    EXPECT_EQ(store->applications().FindByShortName(account, name), std::nullopt);
    EXPECT_EQ(store->applications().Delete(account, {false, {}, {"app", name}}), kMissingName);
    EXPECT_EQ(store->secrets().Find(app, {std::nullopt, name}).outcome(), Outcome::kNotFound);
    EXPECT_EQ(store->secrets().Delete(app, {false, {}, {name}}), kMissingName);
    const auto page = store->secrets().List(app, name, 0, 10);
    ASSERT_TRUE(page.ok());
    EXPECT_EQ(page->total_count, 0);
  }
  EXPECT_TRUE(store->applications().FindByShortName(account, "app"));
}

TEST_F(PostgresTest, ArrayElementsAreLiteral) {
  const auto store = Open();
  const int64_t app = MakeApplication(*store);
  const Keys names = {"with,comma", "with\"quote", "back\\slash", "{braces}", "NULL", " spaced "};
  for (const auto& name : names) {
    ASSERT_TRUE(store->secrets()
                    .Add(app, name, kNow,
                         [](int64_t) {
                           return SealedSecretFields{"v", {}};
                         })
                    .ok());
  }
  EXPECT_EQ(store->secrets().Delete(app, {false, {}, names}), kDeleted);
  EXPECT_EQ(store->secrets().List(app, "", 0, 10)->total_count, 0);
}

// Waits until a statement on the test database waits for a lock.
void AwaitLockWait(Connection& session) {
  while (session
             .Exec("SELECT count(*) FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid "
                   "WHERE NOT l.granted AND a.datname = current_database()")
             .Int(0, 0) == 0) {
    std::this_thread::yield();
  }
}

TEST_F(PostgresTest, PutsWaitingTogetherShareOneStatement) {
  const auto store = Open();
  const int64_t app = MakeApplication(*store);
  ASSERT_EQ(store->key_value().Put(app, {"first", "v:first", kNow + 100}), Outcome::kOk);
  // While a session holds the item's row, the group writing it waits; the Puts made meanwhile
  // queue for the next group together.
  const auto holder = Session();
  holder->Script("BEGIN");
  holder->Exec("SELECT 1 FROM kv_items WHERE key = 'first'::bytea FOR UPDATE");
  auto& key_value = dynamic_cast<PostgresKeyValue&>(store->key_value());
  std::thread first([&] {
    EXPECT_EQ(key_value.Put(app, {"first", "v:first", kNow}), Outcome::kOk);
  });
  const auto watcher = Session();
  AwaitLockWait(*watcher);
  constexpr int kPuts = 8;
  std::vector<std::thread> puts;
  for (int i = 0; i < kPuts; ++i) {
    const std::string key = "k" + std::to_string(i);
    puts.emplace_back([&, key] {
      try {
        EXPECT_EQ(key_value.Put(app, {key, "v:" + key, kNow + 100}), Outcome::kOk);
      } catch (const std::exception& failure) {
        ADD_FAILURE() << key << ": " << failure.what();
      }
    });
  }
  while (key_value.waiting_puts() < kPuts) std::this_thread::yield();
  holder->Script("COMMIT");
  first.join();
  for (auto& put : puts) put.join();
  EXPECT_EQ(watcher->Exec("SELECT count(DISTINCT xmin::text) FROM kv_items WHERE key LIKE 'k%'")
                .Int(0, 0),
            1)
      << "the Puts queued behind the first were written by one transaction";
  EXPECT_EQ(ListKeys(*store, app, "k").size(), static_cast<std::size_t>(kPuts));
}

TEST_F(PostgresTest, ALockedApplicationHoldsUpOnlyItsOwnPuts) {
  const auto store = Open();
  const int64_t locked = MakeApplication(*store);
  const int64_t free = MakeApplication(*store, "other");
  // As while the application is being deleted: its row is locked until the delete commits.
  const auto holder = Session();
  holder->Script("BEGIN");
  holder->Exec("SELECT 1 FROM applications WHERE id = $1 FOR UPDATE", {Param::Int(locked)});
  std::thread waiting([&] {
    EXPECT_EQ(store->key_value().Put(locked, {"a", "v:a", kNow + 100}), Outcome::kOk);
  });
  const auto watcher = Session();
  AwaitLockWait(*watcher);
  EXPECT_EQ(store->key_value().Put(free, {"b", "v:b", kNow + 100}), Outcome::kOk)
      << "answered while the other application is still locked";
  EXPECT_EQ(ListKeys(*store, free, ""), Keys{"b"});
  holder->Script("COMMIT");
  waiting.join();
  EXPECT_EQ(ListKeys(*store, locked, ""), Keys{"a"});
}

TEST_F(PostgresTest, AGroupWritesEachPutByItsOwnRules) {
  const auto store = Open();
  const int64_t app = MakeApplication(*store);
  const auto session = Session();
  const int64_t generation = session->Exec("SELECT value FROM lookup_generation").Int(0, 0);
  const std::vector<GroupedPut> puts = {
      {app, {"dup", "v:first", kNow + 100}, -1},
      {app, {"own", "v:own", kNow + 100}, generation},
      {app + 1000, {"gone", "v:gone", kNow + 100}, -1},
      {app, {"stale", "v:stale", kNow + 100}, generation - 1},
      {app, {"dup", "v:dup", kNow + 100}, -1},
  };
  const auto seen = WriteGroupedPuts(*session, puts);
  ASSERT_EQ(seen.size(), puts.size());
  for (std::size_t i = 0; i < seen.size(); ++i) {
    EXPECT_EQ(seen[i].application_exists, i != 2) << i;
    EXPECT_EQ(seen[i].generation, generation) << i;
  }
  EXPECT_EQ(ListKeys(*store, app, ""), (Keys{"dup", "own"}))
      << "the stale Put and the one of a missing application wrote nothing";
  // ListKeys checks each value is "v:" + key: the later of the two Puts of "dup" won.
}

}  // namespace
}  // namespace coffer::store::postgres

namespace coffer::store::postgres {
namespace {

// A database that is away, as during a restart: every session on it but `keep` is ended and
// no new one may connect until Return().
class Outage {
 public:
  Outage(const std::string& admin_url, std::string database, Connection& keep)
      : admin_(ConnectionOptions{.url = admin_url}), database_(std::move(database)) {
    admin_.Script(("ALTER DATABASE " + database_ + " ALLOW_CONNECTIONS false").c_str());
    const int64_t kept = keep.Exec("SELECT pg_backend_pid()").Int(0, 0);
    admin_.Exec(
        "SELECT pg_terminate_backend(pid, 5000) FROM pg_stat_activity "
        "WHERE datname = $1 AND pid <> $2",
        {Param::Text(database_), Param::Int(kept)});
  }
  void Return() {
    admin_.Script(("ALTER DATABASE " + database_ + " ALLOW_CONNECTIONS true").c_str());
  }

 private:
  Connection admin_;
  const std::string database_;
};

// Polls `condition` for up to 10 s.
template <typename F>
bool Eventually(F condition) {
  for (int i = 0; i < 100; ++i) {
    if (condition()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return false;
}

bool RotationRefused(Store& store) {
  return store.secrets()
             .RotateDataKeys([](const WrappedDataKey& key) { return key.wrapped; }, "check", "c1")
             .outcome() == Outcome::kBusy;
}

TEST_F(PostgresTest, AServingLeaseLostWithItsSessionIsTakenAgain) {
  const auto node = Open();
  const int64_t app = MakeApplication(*node);
  node->meta().SetIfAbsent("check", "c1");
  std::atomic<bool> fenced = false;
  const auto lease = node->meta().HoldServingLease("check", [&] { fenced = true; });
  EXPECT_TRUE(RotationRefused(*Open()));

  const auto admin = Session();
  Outage outage(database_.admin_url(), database_.name(), *admin);
  // Until the lease is back, this node creates no data key: a rotation could run meanwhile.
  EXPECT_TRUE(Eventually([&] {
    try {
      node->secrets().EnsureDataKey(app, "k1");
      return false;
    } catch (const StoreUnavailable& e) {
      return std::string(e.what()).find("serving lease") != std::string::npos;
    }
  })) << "the lost lease went unnoticed";
  outage.Return();
  EXPECT_TRUE(Eventually([&] {
    try {
      return node->secrets().EnsureDataKey(app, "k1").ok();
    } catch (const StoreUnavailable&) {
      return false;
    }
  })) << "the lease was never taken again";
  EXPECT_TRUE(RotationRefused(*Open())) << "the lease is held again";
  EXPECT_FALSE(fenced);
}

TEST_F(PostgresTest, ANodeWhoseKeyWasRotatedWhileItWasCutOffIsFenced) {
  const auto node = Open();
  const int64_t app = MakeApplication(*node);
  node->meta().SetIfAbsent("check", "c1");
  std::atomic<bool> fenced = false;
  const auto lease = node->meta().HoldServingLease("check", [&] { fenced = true; });

  // While the node is cut off, an operator rotates the master key.
  const auto admin = Session();
  Outage outage(database_.admin_url(), database_.name(), *admin);
  admin->Script("BEGIN");
  ASSERT_TRUE(admin->Exec("SELECT pg_try_advisory_xact_lock($1)", {Param::Int(kServingLockKey)})
                  .Bool(0, 0));
  admin->Exec(
      "INSERT INTO meta (name, value) VALUES ('check', 'c2') "
      "ON CONFLICT (name) DO UPDATE SET value = excluded.value");
  admin->Script("COMMIT");
  outage.Return();

  ASSERT_TRUE(Eventually([&] { return fenced.load(); }));
  EXPECT_THROW(node->secrets().EnsureDataKey(app, "k1"), StoreUnavailable);
  EXPECT_FALSE(RotationRefused(*Open())) << "a fenced node holds no lease";
}

}  // namespace
}  // namespace coffer::store::postgres

namespace coffer::store::postgres {
namespace {

TEST_F(PostgresTest, AStatementWithoutAnAnswerInTimeIsUnavailableAndEndsItsSession) {
  // pg_sleep stands for a server that stopped answering (frozen, or cut off without a reset).
  Connection session(ConnectionOptions{.url = database_.url(),
                                       .statement_timeout = std::chrono::milliseconds(300)});
  const auto start = std::chrono::steady_clock::now();
  EXPECT_THROW(session.Exec("SELECT pg_sleep(5)"), StoreUnavailable);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(3));
  EXPECT_TRUE(session.broken()) << "a session in an unknown state is never reused";
  EXPECT_THROW(session.Exec("SELECT 1"), StoreUnavailable);
  // Answers that come in time are unaffected, several statements in one script included.
  Connection fine(ConnectionOptions{.url = database_.url()});
  fine.Script("SELECT 1; SELECT pg_sleep(0.1); SELECT 2");
  EXPECT_THROW(fine.Script("SELECT 1; SELECT 1/0; SELECT 2"), StoreError);
  EXPECT_EQ(fine.Exec("SELECT 41 + 1").Int(0, 0), 42);
}

}  // namespace
}  // namespace coffer::store::postgres
