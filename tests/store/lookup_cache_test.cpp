// The lookup cache (MetaStore::CacheLookups), on every backend: inside a scope, keys and
// applications read before may be answered without reading the storage, and Confirm() tells
// whether the work stands. Two stores on one storage play two nodes, or a server and an operator
// command (SPEC 13, 15: no store serves what another changed). That an answer came from the
// cache shows where it can differ: a row the other store has just deleted or changed is still
// answered inside the scope, and Confirm() refuses it.

#include <thread>

#include "conformance.hpp"

namespace coffer::store {
namespace {

constexpr int64_t kNow = 1'700'000'000;

class LookupCacheTest : public StoreConformanceTest {
 protected:
  LookupCacheTest() : a_(store_.get()), b_(OpenAnother()) {
    MakeAccount("dev");
    account_ = *b_->accounts().FindKey("dev-key");
    app_ = b_->applications().Create(account_.account_id, "app", false, kNow, 0)->id;
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

  Store* a_;                  // the store under test: its cache is the one looked at
  std::unique_ptr<Store> b_;  // another process or node, making the changes
  int64_t app_ = 0;
  ServiceKey account_;
};

TEST_P(LookupCacheTest, UnchangedRowsAreConfirmed) {
  Warm();
  for (int round = 0; round < 3; ++round) {
    auto scope = a_->meta().CacheLookups();
    EXPECT_EQ(a_->accounts().FindKey("dev-key")->account_name, "dev");
    EXPECT_EQ(a_->applications().Find(account_.account_id, app_)->short_name, "app");
    EXPECT_EQ(a_->key_value().Get(app_, "k", kNow)->value, "v");
    EXPECT_TRUE(scope->Confirm()) << round;
  }
  // Without a key-value read after them, Confirm() asks the database itself.
  auto scope = a_->meta().CacheLookups();
  EXPECT_TRUE(a_->accounts().FindKey("dev-key"));
  EXPECT_TRUE(scope->Confirm());
}

TEST_P(LookupCacheTest, AKeyDeletedOnAnotherNodeIsNotConfirmed) {
  Warm();
  ASSERT_EQ(b_->accounts().DeleteKey("dev-key"), Outcome::kOk);
  {
    auto scope = a_->meta().CacheLookups();
    EXPECT_TRUE(a_->accounts().FindKey("dev-key"));  // answered from the cache
    EXPECT_FALSE(scope->Confirm());
  }
  // Done again without a scope (as the router does): the key is gone.
  EXPECT_FALSE(a_->accounts().FindKey("dev-key"));
  // And the cache has moved on: a new scope does not answer the deleted key either.
  auto scope = a_->meta().CacheLookups();
  EXPECT_FALSE(a_->accounts().FindKey("dev-key"));
  EXPECT_TRUE(scope->Confirm());
}

TEST_P(LookupCacheTest, AnApplicationRenamedOnAnotherNodeIsRefusedByTheItemRead) {
  Warm();
  ApplicationChanges rename;
  rename.short_name = "renamed";
  rename.modified = kNow;
  ASSERT_TRUE(b_->applications().Update(account_.account_id, app_, rename).ok());
  auto scope = a_->meta().CacheLookups();
  EXPECT_TRUE(a_->applications().FindByShortName(account_.account_id, "app"));  // cached
  EXPECT_EQ(a_->key_value().Get(app_, "k", kNow)->value, "v");  // sees the new generation
  EXPECT_FALSE(scope->Confirm());
}

TEST_P(LookupCacheTest, AnApplicationDeletedOnAnotherNodeIsNotConfirmed) {
  Warm();
  ASSERT_EQ(b_->applications()
                .Delete(account_.account_id,
                        ApplicationSelection{.all = true, .ids = {}, .short_names = {}})
                .outcome,
            Outcome::kOk);
  auto scope = a_->meta().CacheLookups();
  EXPECT_TRUE(a_->applications().Find(account_.account_id, app_));  // cached
  EXPECT_EQ(a_->key_value().Get(app_, "k", kNow).outcome(), Outcome::kApplicationGone);
  EXPECT_FALSE(scope->Confirm());
  scope.reset();
  EXPECT_FALSE(a_->applications().Find(account_.account_id, app_));
}

TEST_P(LookupCacheTest, AKeyValueWriteIsMadeOnlyWhileTheCachedRowsAreCurrent) {
  Warm();
  {
    auto scope = a_->meta().CacheLookups();
    ASSERT_TRUE(a_->accounts().FindKey("dev-key"));  // cached
    EXPECT_EQ(a_->key_value().Put(app_, KvItem{"k", "v2", kNow + 1000}), Outcome::kOk);
    EXPECT_EQ(a_->key_value().Delete(app_, "gone", kNow), Outcome::kNotFound);
    EXPECT_TRUE(scope->Confirm());  // the writes saw the generation themselves
  }
  ASSERT_EQ(b_->accounts().DeleteKey("dev-key"), Outcome::kOk);
  {
    auto scope = a_->meta().CacheLookups();
    ASSERT_TRUE(a_->accounts().FindKey("dev-key"));  // cached, now stale
    EXPECT_THROW(a_->key_value().Put(app_, KvItem{"k", "v3", kNow + 1000}), StaleLookups);
    EXPECT_FALSE(scope->Confirm());
  }
  {
    auto scope = a_->meta().CacheLookups();
    ASSERT_TRUE(a_->applications().Find(account_.account_id, app_));  // read, and cached
    EXPECT_TRUE(scope->Confirm());
  }
  ASSERT_TRUE(b_->applications().Create(account_.account_id, "other", false, kNow, 0).ok());
  {
    auto scope = a_->meta().CacheLookups();
    ASSERT_TRUE(a_->applications().Find(account_.account_id, app_));  // cached, now stale
    EXPECT_THROW(a_->key_value().Delete(app_, "k", kNow), StaleLookups);
    EXPECT_FALSE(scope->Confirm());
  }
  // Neither stale write took effect.
  EXPECT_EQ(b_->key_value().Get(app_, "k", kNow)->value, "v2");
}

TEST_P(LookupCacheTest, AnyOtherStatementChecksFirst) {
  Warm();
  ASSERT_EQ(b_->accounts().DeleteKey("dev-key"), Outcome::kOk);
  auto scope = a_->meta().CacheLookups();
  ASSERT_TRUE(a_->accounts().FindKey("dev-key"));  // cached, now stale
  EXPECT_THROW(a_->applications().Create(account_.account_id, "late", false, kNow, 0),
               StaleLookups);
  EXPECT_FALSE(scope->Confirm());
  scope.reset();
  EXPECT_FALSE(b_->applications().FindByShortName(account_.account_id, "late"));
}

TEST_P(LookupCacheTest, NoScopeNoCache) {
  Warm();
  ASSERT_EQ(b_->accounts().DeleteKey("dev-key"), Outcome::kOk);
  EXPECT_FALSE(a_->accounts().FindKey("dev-key"));  // read from the database
}

TEST_P(LookupCacheTest, ScopesDoNotNestAndBelongToTheirThread) {
  Warm();
  auto scope = a_->meta().CacheLookups();
  ASSERT_NE(scope, nullptr);
  EXPECT_EQ(a_->meta().CacheLookups(), nullptr);
  ASSERT_EQ(b_->accounts().DeleteKey("dev-key"), Outcome::kOk);
  // Another thread has no scope: it reads the database and sees the delete.
  std::optional<ServiceKey> elsewhere = account_;
  std::thread([&] { elsewhere = a_->accounts().FindKey("dev-key"); }).join();
  EXPECT_FALSE(elsewhere);
  EXPECT_TRUE(a_->accounts().FindKey("dev-key"));  // this thread's scope answers from the cache
  EXPECT_FALSE(scope->Confirm());
}

TEST_P(LookupCacheTest, AScopeThatAnsweredNothingFromTheCacheStands) {
  auto scope = a_->meta().CacheLookups();  // a cold cache
  EXPECT_TRUE(a_->accounts().FindKey("dev-key"));
  ASSERT_EQ(b_->accounts().DeleteKey("dev-key"), Outcome::kOk);
  // Each read had its own snapshot, as without a scope: nothing to confirm.
  EXPECT_EQ(a_->key_value().Get(app_, "k", kNow)->value, "v");
  EXPECT_TRUE(scope->Confirm());
}

INSTANTIATE_TEST_SUITE_P(Backends, LookupCacheTest, ::testing::ValuesIn(ConformanceBackends()),
                         BackendName);

}  // namespace
}  // namespace coffer::store
