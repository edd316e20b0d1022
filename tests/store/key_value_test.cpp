// KeyValueStore conformance, on every backend.

#include <gtest/gtest.h>

#include <atomic>
#include <functional>
#include <future>
#include <string>
#include <thread>
#include <vector>

#include "conformance.hpp"

namespace coffer::store {
namespace {

constexpr int64_t kNow = 1'700'000'000;

class KeyValueTest : public StoreConformanceTest {
 protected:
  KeyValueTest() {
    const Account dev = MakeAccount("dev");
    app_ = applications().Create(dev.id, "app", false, kNow, 0).value().id;
    other_app_ = applications().Create(dev.id, "other-app", false, kNow, 0).value().id;
  }

  void Put(const std::string& key, const std::string& value, int64_t expires_at = kNow + 100,
           int64_t app = 0) {
    ASSERT_EQ(key_value().Put(app == 0 ? app_ : app, KvItem{key, value, expires_at}), Outcome::kOk);
  }

  std::vector<std::string> Keys(const std::string& prefix, int64_t offset = 0, int64_t limit = 50,
                                int64_t now = kNow) {
    std::vector<std::string> keys;
    for (const auto& item : key_value().List(app_, prefix, now, offset, limit, false).value()) {
      keys.push_back(item.key);
    }
    return keys;
  }

  // The item, or nullopt when the store answers kNotFound.
  std::optional<KvItem> Get(int64_t app, std::string_view key, int64_t now) {
    auto item = key_value().Get(app, key, now);
    EXPECT_NE(item.outcome(), Outcome::kApplicationGone);
    if (!item.ok()) return std::nullopt;
    return std::move(item).value();
  }

  // Thread `t`'s part of ConcurrentPutsEachGetTheirOwnOutcome; counts unexpected outcomes.
  void PutFromThread(int t, int count, std::atomic<int>& wrong) {
    for (int i = 0; i < count; ++i) {
      const std::string own = std::to_string(t) + "/" + std::to_string(i);
      if (key_value().Put(app_, KvItem{"own:" + own, own, kNow + 100}) != Outcome::kOk) ++wrong;
      if (key_value().Put(app_, KvItem{"shared", own, kNow + 100}) != Outcome::kOk) ++wrong;
      if (key_value().Put(other_app_, KvItem{"gone:" + own, own, kNow + 100}) !=
          Outcome::kApplicationGone) {
        ++wrong;
      }
    }
  }

  int64_t app_ = 0;
  int64_t other_app_ = 0;
};

using Keys_ = std::vector<std::string>;

TEST_P(KeyValueTest, PutGetAndReplace) {
  Put("order:1", "+15551234567", kNow + 10);
  auto item = Get(app_, "order:1", kNow);
  ASSERT_TRUE(item);
  EXPECT_EQ(item->key, "order:1");
  EXPECT_EQ(item->value, "+15551234567");
  EXPECT_EQ(item->expires_at, kNow + 10);

  Put("order:1", "replaced", kNow + 20);
  item = Get(app_, "order:1", kNow);
  EXPECT_EQ(item->value, "replaced");
  EXPECT_EQ(item->expires_at, kNow + 20);
  EXPECT_EQ(Get(app_, "order:2", kNow), std::nullopt);
  EXPECT_EQ(Get(app_, "ORDER:1", kNow), std::nullopt);  // case-sensitive
}

TEST_P(KeyValueTest, EmptyValueAndUnicodeRoundTrip) {
  Put("empty", "");
  Put("\xD0\xBA\xD0\xBB\xD1\x8E\xD1\x87", "\xF0\x9F\x98\x80 value");
  EXPECT_EQ(Get(app_, "empty", kNow)->value, "");
  EXPECT_EQ(Get(app_, "\xD0\xBA\xD0\xBB\xD1\x8E\xD1\x87", kNow)->value, "\xF0\x9F\x98\x80 value");
}

TEST_P(KeyValueTest, ItemsAreInvisibleFromTheirExpirySecond) {
  Put("k", "v", kNow + 5);
  EXPECT_TRUE(Get(app_, "k", kNow + 4));
  EXPECT_EQ(Get(app_, "k", kNow + 5), std::nullopt);
  EXPECT_EQ(Keys("", 0, 50, kNow + 5), Keys_{});
  // Replacing an expired item revives the key.
  Put("k", "again", kNow + 50);
  EXPECT_EQ(Get(app_, "k", kNow + 5)->value, "again");
}

TEST_P(KeyValueTest, ItemsBelongToOneApplication) {
  Put("shared", "mine");
  Put("shared", "theirs", kNow + 100, other_app_);
  EXPECT_EQ(Get(app_, "shared", kNow)->value, "mine");
  EXPECT_EQ(Get(other_app_, "shared", kNow)->value, "theirs");
  EXPECT_EQ(key_value().Delete(app_, "shared", kNow), Outcome::kOk);
  EXPECT_EQ(Get(other_app_, "shared", kNow)->value, "theirs");
}

TEST_P(KeyValueTest, DeleteReportsOnlyLiveItems) {
  Put("live", "v", kNow + 10);
  Put("dead", "v", kNow - 1);
  EXPECT_EQ(key_value().Delete(app_, "live", kNow), Outcome::kOk);
  EXPECT_EQ(key_value().Delete(app_, "live", kNow), Outcome::kNotFound);
  EXPECT_EQ(key_value().Delete(app_, "dead", kNow),
            Outcome::kNotFound);                       // removed, but counts as none
  EXPECT_EQ(key_value().DeleteExpired(kNow, 100), 0);  // nothing left to sweep
  EXPECT_EQ(key_value().Delete(app_, "never", kNow), Outcome::kNotFound);
}

TEST_P(KeyValueTest, ListMatchesAPrefixInByteOrder) {
  for (const char* key : {"testing", "test:1", "test", "tesu", "tes", "other", "test:0", "Test"}) {
    Put(key, std::string("v-") + key);
  }
  EXPECT_EQ(Keys("test"), (Keys_{"test", "test:0", "test:1", "testing"}));
  EXPECT_EQ(Keys(""),
            (Keys_{"Test", "other", "tes", "test", "test:0", "test:1", "testing", "tesu"}));
  EXPECT_EQ(Keys("test:"), (Keys_{"test:0", "test:1"}));
  EXPECT_EQ(Keys("nothing"), Keys_{});
  EXPECT_EQ(Keys("test", 1, 2), (Keys_{"test:0", "test:1"}));
  EXPECT_EQ(Keys("test", 3, 10), Keys_{"testing"});
  EXPECT_EQ(Keys("test", 4, 10), Keys_{});
}

TEST_P(KeyValueTest, ListValuesOnlyWhenAsked) {
  Put("a", "value-a", kNow + 7);
  const auto with = key_value().List(app_, "a", kNow, 0, 10, true).value();
  ASSERT_EQ(with.size(), 1u);
  EXPECT_EQ(with[0].value, "value-a");
  EXPECT_EQ(with[0].expires_at, kNow + 7);
  const auto without = key_value().List(app_, "a", kNow, 0, 10, false).value();
  ASSERT_EQ(without.size(), 1u);
  EXPECT_EQ(without[0].value, "");
  EXPECT_EQ(without[0].expires_at, kNow + 7);
}

TEST_P(KeyValueTest, ListSkipsExpiredItemsBeforePaging) {
  Put("k1", "v", kNow + 100);
  Put("k2", "v", kNow - 1);
  Put("k3", "v", kNow + 100);
  Put("k4", "v", kNow);
  Put("k5", "v", kNow + 100);
  EXPECT_EQ(Keys("k"), (Keys_{"k1", "k3", "k5"}));
  EXPECT_EQ(Keys("k", 1, 1), Keys_{"k3"});
}

TEST_P(KeyValueTest, PrefixCharactersAreLiteral) {
  for (const char* key : {"a_b", "axb", "a%b", "a.b", "a+b", "a#b", "a;b"}) Put(key, "v");
  EXPECT_EQ(Keys("a_"), Keys_{"a_b"});
  EXPECT_EQ(Keys("a%"), Keys_{"a%b"});
  EXPECT_EQ(Keys("a."), Keys_{"a.b"});
  EXPECT_EQ(Keys("a+"), Keys_{"a+b"});
}

TEST_P(KeyValueTest, CyrillicPrefixesAndOrder) {
  // я (D1 8F) sorts after а (D0 B0) by bytes; ё (D1 91) after я.
  for (const char* key : {"\xD1\x91", "\xD1\x8F\xD0\xB1", "\xD0\xB0", "\xD1\x8F", "z"})
    Put(key, "v");
  EXPECT_EQ(Keys(""), (Keys_{"z", "\xD0\xB0", "\xD1\x8F", "\xD1\x8F\xD0\xB1", "\xD1\x91"}));
  EXPECT_EQ(Keys("\xD1\x8F"), (Keys_{"\xD1\x8F", "\xD1\x8F\xD0\xB1"}));
}

TEST_P(KeyValueTest, SweepDeletesExpiredItemsInBatches) {
  for (int i = 0; i < 7; ++i) Put("dead" + std::to_string(i), "v", kNow - i);
  Put("dead-elsewhere", "v", kNow - 1, other_app_);
  Put("live", "v", kNow + 1);
  EXPECT_EQ(key_value().DeleteExpired(kNow, 3), 3);
  EXPECT_EQ(key_value().DeleteExpired(kNow, 3), 3);
  EXPECT_EQ(key_value().DeleteExpired(kNow, 3), 2);
  EXPECT_EQ(key_value().DeleteExpired(kNow, 3), 0);
  EXPECT_EQ(Keys(""), Keys_{"live"});
  EXPECT_TRUE(Get(app_, "live", kNow));
}

TEST_P(KeyValueTest, DeletingTheApplicationDeletesItsItems) {
  Put("k", "v");
  Put("k", "v", kNow + 100, other_app_);
  const int64_t account = accounts().FindByName("dev")->id;
  ASSERT_EQ(applications().Delete(account, {false, {app_}, {}}), kDeleted);
  EXPECT_EQ(key_value().Get(app_, "k", kNow).outcome(), Outcome::kApplicationGone);
  EXPECT_TRUE(Get(other_app_, "k", kNow));
  // Only the other application's item is left for the sweeper.
  EXPECT_EQ(key_value().DeleteExpired(kNow + 1000, 100), 1);
}

// What an asynchronous write told its completion, waited for.
Outcome Told(const std::function<void(common::Completion<Outcome>)>& start) {
  std::promise<Outcome> told;
  start([&](common::Completed<Outcome> ended) { told.set_value(std::move(ended).Take()); });
  return told.get_future().get();
}

TEST_P(KeyValueTest, PutAsyncAndDeleteAsyncTellTheSyncOutcomesOnceDurable) {
  const auto put = [&](int64_t app, KvItem item) {
    return Told([&](auto done) { key_value().PutAsync(app, std::move(item), std::move(done)); });
  };
  const auto remove = [&](int64_t app, std::string key, int64_t now) {
    return Told([&](auto done) { key_value().DeleteAsync(app, key, now, std::move(done)); });
  };
  EXPECT_EQ(put(app_, KvItem{"k", "first", kNow + 10}), Outcome::kOk);
  EXPECT_EQ(Get(app_, "k", kNow)->value, "first") << "readable once told";
  EXPECT_EQ(put(app_, KvItem{"k", "second", kNow + 20}), Outcome::kOk);
  EXPECT_EQ(Get(app_, "k", kNow)->expires_at, kNow + 20);
  EXPECT_EQ(put(app_, KvItem{"stale", "v", kNow - 1}), Outcome::kOk);

  EXPECT_EQ(remove(app_, "stale", kNow), Outcome::kNotFound)
      << "an expired leftover counts as none";
  EXPECT_EQ(remove(app_, "k", kNow), Outcome::kOk);
  EXPECT_EQ(Get(app_, "k", kNow), std::nullopt) << "gone once told";
  EXPECT_EQ(remove(app_, "k", kNow), Outcome::kNotFound);
  EXPECT_EQ(key_value().DeleteExpired(kNow + 1000, 100), 0) << "the leftover was removed too";

  const int64_t account = accounts().FindByName("dev")->id;
  ASSERT_EQ(applications().Delete(account, {false, {other_app_}, {}}), kDeleted);
  EXPECT_EQ(put(other_app_, KvItem{"k", "v", kNow + 10}), Outcome::kApplicationGone);
  EXPECT_EQ(remove(other_app_, "k", kNow), Outcome::kApplicationGone);
}

TEST_P(KeyValueTest, ConcurrentPutsEachGetTheirOwnOutcome) {
  // Puts that may share a commit (or a statement): to a live application, to a deleted one, and
  // to one key from every thread.
  const int64_t account = accounts().FindByName("dev")->id;
  ASSERT_EQ(applications().Delete(account, {false, {other_app_}, {}}), kDeleted);
  constexpr int kThreads = 8;
  constexpr int kEach = 20;
  std::vector<std::thread> threads;
  std::atomic<int> wrong = 0;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      try {
        PutFromThread(t, kEach, wrong);
      } catch (const std::exception& failure) {
        ADD_FAILURE() << failure.what();
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(wrong, 0);
  const auto own = key_value().List(app_, "own:", kNow, 0, 1000, true).value();
  ASSERT_EQ(own.size(), static_cast<std::size_t>(kThreads * kEach));
  for (const auto& item : own) EXPECT_EQ("own:" + item.value, item.key);
  const std::string last = Get(app_, "shared", kNow)->value;
  EXPECT_EQ(last.substr(last.find('/')), "/" + std::to_string(kEach - 1))
      << "the shared key holds some thread's last write: " << last;
  EXPECT_EQ(key_value().List(other_app_, "", kNow, 0, 10, false).outcome(),
            Outcome::kApplicationGone);
}

INSTANTIATE_TEST_SUITE_P(Backends, KeyValueTest, ::testing::ValuesIn(ConformanceBackends()),
                         BackendName);

}  // namespace
}  // namespace coffer::store
