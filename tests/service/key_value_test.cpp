#include "service/key_value.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "store/open.hpp"
#include "support/fake_clock.hpp"
#include "support/store_outcomes.hpp"
#include "support/temp_dir.hpp"

namespace coffer::service {
namespace {

using store::Outcome;

class KeyValueTest : public ::testing::Test {
 protected:
  KeyValueTest()
      : store_(store::Open({.sqlite_path = dir_.File("coffer.db")})),
        key_value_(store_->key_value(), clock_) {
    store::ServiceKey key;
    key.key_id = "k";
    key.public_key_pem = "unused";
    account_ = store_->accounts().Create("dev", "dev@localhost", 1, key).value().id;
    app_ = store_->applications().Create(account_, "app", false, now(), 0).value().id;
    other_app_ = store_->applications().Create(account_, "other", false, now(), 0).value().id;
  }

  int64_t now() const { return clock_.NowSeconds(); }

  std::vector<std::string> Keys(const std::string& prefix) const {
    std::vector<std::string> keys;
    for (const auto& item : key_value_.List(app_, prefix, 0, 50, false).value()) {
      keys.push_back(item.key);
    }
    return keys;
  }

  testing_support::TempDir dir_;
  testing_support::FakeClock clock_;
  std::unique_ptr<store::Store> store_;
  KeyValue key_value_;
  // The live item, or nullopt when the service answers kNotFound.
  std::optional<store::KvItem> Get(int64_t app, const std::string& key) const {
    auto item = key_value_.Get(app, key);
    EXPECT_NE(item.outcome(), Outcome::kApplicationGone);
    if (!item.ok()) return std::nullopt;
    return std::move(item).value();
  }

  int64_t account_ = 0;
  int64_t app_ = 0;
  int64_t other_app_ = 0;
};

TEST_F(KeyValueTest, NowComesFromTheClock) {
  EXPECT_EQ(key_value_.Now(), testing_support::FakeClock::kStart);
  clock_.Advance(5);
  EXPECT_EQ(key_value_.Now(), testing_support::FakeClock::kStart + 5);
}

TEST_F(KeyValueTest, SetReturnsTheStoredItem) {
  const auto item = key_value_.Set(app_, "order:1", "+15551234567", now() + 60).value();
  EXPECT_EQ(item.key, "order:1");
  EXPECT_EQ(item.value, "+15551234567");
  EXPECT_EQ(item.expires_at, now() + 60);
  const auto read = Get(app_, "order:1");
  ASSERT_TRUE(read);
  EXPECT_EQ(read->value, "+15551234567");
  EXPECT_EQ(Get(other_app_, "order:1"), std::nullopt);
}

TEST_F(KeyValueTest, ItemsExpireWithTheClock) {
  key_value_.Set(app_, "session", "token", now() + 60);
  key_value_.Set(app_, "already", "gone", now());  // ttl=0
  EXPECT_EQ(Get(app_, "already"), std::nullopt);
  clock_.Advance(59);
  EXPECT_TRUE(Get(app_, "session"));
  EXPECT_EQ(Keys(""), std::vector<std::string>{"session"});
  clock_.Advance(1);
  EXPECT_EQ(Get(app_, "session"), std::nullopt);
  EXPECT_TRUE(Keys("").empty());
  EXPECT_EQ(key_value_.Delete(app_, "session"), Outcome::kNotFound);  // expired: counts as none
}

TEST_F(KeyValueTest, DeleteAndList) {
  for (const char* key : {"test", "test:1", "testing", "other"}) {
    key_value_.Set(app_, key, std::string("v-") + key, now() + 100);
  }
  EXPECT_EQ(Keys("test"), (std::vector<std::string>{"test", "test:1", "testing"}));
  const auto page = key_value_.List(app_, "test", 1, 1, true).value();
  ASSERT_EQ(page.size(), 1u);
  EXPECT_EQ(page[0].key, "test:1");
  EXPECT_EQ(page[0].value, "v-test:1");
  EXPECT_EQ(key_value_.Delete(app_, "test:1"), Outcome::kOk);
  EXPECT_EQ(key_value_.Delete(app_, "test:1"), Outcome::kNotFound);
  EXPECT_EQ(Keys("test"), (std::vector<std::string>{"test", "testing"}));
}

TEST_F(KeyValueTest, SweeperDeletesExpiredItemsInBatches) {
  for (int i = 0; i < 10; ++i) {
    key_value_.Set(i % 2 ? app_ : other_app_, "dead" + std::to_string(i), "v", now() + 10);
  }
  key_value_.Set(app_, "live", "v", now() + 1000);
  ExpirySweeper sweeper(store_->key_value(), clock_, 3);
  EXPECT_EQ(sweeper.SweepOnce(), 0);  // nothing has expired yet
  clock_.Advance(10);
  EXPECT_EQ(sweeper.SweepOnce(2), 6);  // two batches of three
  EXPECT_EQ(sweeper.SweepOnce(), 4);   // 3 + 1, then a short batch ends it
  EXPECT_EQ(sweeper.SweepOnce(), 0);
  EXPECT_EQ(Keys(""), std::vector<std::string>{"live"});
}

TEST_F(KeyValueTest, CallsOnADeletedApplicationSayItIsGone) {
  key_value_.Set(other_app_, "k", "v", now() + 60);
  ASSERT_EQ(store_->applications().Delete(account_, {false, {other_app_}, {}}), store::kDeleted);
  EXPECT_EQ(key_value_.Get(other_app_, "k").outcome(), Outcome::kApplicationGone);
  EXPECT_EQ(key_value_.List(other_app_, "", 0, 10, true).outcome(), Outcome::kApplicationGone);
  EXPECT_EQ(key_value_.Delete(other_app_, "k"), Outcome::kApplicationGone);
  EXPECT_EQ(key_value_.Set(other_app_, "k", "v", now() + 60).outcome(), Outcome::kApplicationGone);
  // An existing application with nothing in it is simply empty.
  EXPECT_EQ(key_value_.Get(app_, "k").outcome(), Outcome::kNotFound);
  EXPECT_TRUE(key_value_.List(app_, "", 0, 10, true).value().empty());
}

}  // namespace
}  // namespace coffer::service
