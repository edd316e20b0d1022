// Opening and migrating a PostgreSQL store, its connections, and what only PostgreSQL could
// get wrong: bytes that are not text.

#include "store/postgres/postgres_store.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <string>
#include <vector>

#include "postgres_fixture.hpp"
#include "store/postgres/migrations.hpp"

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

}  // namespace
}  // namespace coffer::store::postgres
