// The lookup cache on PostgreSQL, beyond the conformance suite (../lookup_cache_test.cpp): the
// lookup generation is raised by triggers, so a change made by hand in psql counts as much as one
// made by Coffer, and only changes to keys, accounts and applications raise it.

#include <gtest/gtest.h>

#include "postgres_fixture.hpp"

namespace coffer::store::postgres {
namespace {

constexpr int64_t kNow = 1'700'000'000;

class PostgresLookupCacheTest : public PostgresTest {
 protected:
  PostgresLookupCacheTest() : a_(Open(4)), b_(Open(4)), app_(MakeApplication(*b_)) {
    account_ = *b_->accounts().FindKey("dev-key");
    EXPECT_EQ(b_->key_value().Put(app_, KvItem{"k", "v", kNow + 1000}), Outcome::kOk);
  }

  // Reads the key and the application on node a in a scope of their own, so that a's cache
  // holds them; checks that this first scope stands.
  void Warm() {
    auto scope = a_->meta().CacheLookups();
    ASSERT_NE(scope, nullptr);
    ASSERT_TRUE(a_->accounts().FindKey("dev-key"));
    ASSERT_TRUE(a_->applications().Find(account_.account_id, app_));
    ASSERT_TRUE(a_->applications().FindByShortName(account_.account_id, "app"));
    EXPECT_TRUE(scope->Confirm());
  }

  std::unique_ptr<PostgresStore> a_;
  std::unique_ptr<PostgresStore> b_;
  int64_t app_;
  ServiceKey account_;
};

TEST_F(PostgresLookupCacheTest, AChangeMadeOutsideCofferIsSeenToo) {
  // The generation is raised by a trigger: any statement counts, not only Coffer's own.
  Warm();
  Session()->Exec("UPDATE service_keys SET enabled = false WHERE key_id = 'dev-key'");
  {
    auto scope = a_->meta().CacheLookups();
    EXPECT_TRUE(a_->accounts().FindKey("dev-key")->enabled);  // cached
    EXPECT_FALSE(scope->Confirm());
  }
  EXPECT_FALSE(a_->accounts().FindKey("dev-key")->enabled);
  Warm();
  Session()->Exec("UPDATE accounts SET api_key_hash = 'x'");
  auto scope = a_->meta().CacheLookups();
  EXPECT_TRUE(a_->accounts().FindKey("dev-key"));
  EXPECT_FALSE(scope->Confirm());
}

TEST_F(PostgresLookupCacheTest, OnlyChangesToKeysAccountsAndApplicationsMoveTheGeneration) {
  const auto value = Session()->Exec("SELECT value FROM lookup_generation");
  ASSERT_EQ(value.size(), 1);
  const int64_t before = value.Int(0, 0);
  ASSERT_TRUE(b_->applications().Create(account_.account_id, "other", false, kNow, 0).ok());
  EXPECT_GT(Session()->Exec("SELECT value FROM lookup_generation").Int(0, 0), before);
  // Reads and key-value writes leave it alone.
  const int64_t after = Session()->Exec("SELECT value FROM lookup_generation").Int(0, 0);
  EXPECT_EQ(b_->key_value().Put(app_, KvItem{"k2", "v", kNow + 1000}), Outcome::kOk);
  EXPECT_TRUE(b_->applications().Find(account_.account_id, app_));
  EXPECT_EQ(Session()->Exec("SELECT value FROM lookup_generation").Int(0, 0), after);
}

}  // namespace
}  // namespace coffer::store::postgres
