// Storage faults during group commits (disk full, write and sync errors), injected under the
// real SQLite store by FaultyVfs: no write of a failed batch is reported as done, nothing of it
// is visible, reads go on, and writes succeed again once the fault clears, also after a reopen.

#include <gtest/gtest.h>

#include <atomic>
#include <memory>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "store/sqlite/faulty_vfs.hpp"
#include "store/sqlite/sqlite_store.hpp"
#include "support/temp_dir.hpp"

namespace coffer::store::sqlite {
namespace {

using testing::Fault;
using testing::FaultyVfs;

constexpr int64_t kNow = 1'700'000'000;
constexpr int64_t kExpires = kNow + 3600;

class StorageFaultTest : public ::testing::TestWithParam<Fault> {
 protected:
  StorageFaultTest() { Reopen(); }

  void Reopen() {
    store_.reset();
    store_ = std::make_unique<SqliteStore>(SqliteOptions{.path = dir_.File("coffer.db")});
    if (app_ != 0) return;
    ServiceKey key;
    key.key_id = "k";
    const auto account = store_->accounts().Create("dev", "dev@localhost", 1, key).value();
    app_ = store_->applications().Create(account.id, "app", false, 1, 0).value().id;
  }

  Outcome Put(const std::string& key) {
    return store_->key_value().Put(app_, KvItem{key, "value of " + key, kExpires});
  }

  // Keys stored, as a new snapshot sees them.
  std::set<std::string> Keys() {
    std::set<std::string> keys;
    for (const auto& item : store_->key_value().List(app_, "", kNow, 0, 100000, false).value()) {
      keys.insert(item.key);
    }
    return keys;
  }

  // `writers` threads put `each` keys named `prefix`-thread-n at once; returns the keys whose
  // Put reported success and counts the ones that threw StoreError.
  std::set<std::string> PutConcurrently(const std::string& prefix, int writers, int each,
                                        int& failed) {
    std::mutex mutex;
    std::set<std::string> done;
    std::atomic<int> errors{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < writers; ++t) {
      threads.emplace_back([&, t] {
        for (int n = 0; n < each; ++n) {
          const std::string key = prefix + "-" + std::to_string(t) + "-" + std::to_string(n);
          try {
            if (Put(key) == Outcome::kOk) {
              std::lock_guard lock(mutex);
              done.insert(key);
            }
          } catch (const StoreError&) {
            ++errors;
          }
        }
      });
    }
    for (auto& thread : threads) thread.join();
    failed = errors.load();
    return done;
  }

  FaultyVfs vfs_;  // before the store: its connections open through it
  testing_support::TempDir dir_;
  std::unique_ptr<SqliteStore> store_;
  int64_t app_ = 0;
};

TEST_P(StorageFaultTest, WhileTheFaultLastsNoWriteIsAcknowledgedAndReadsGoOn) {
  int failed = 0;
  const auto before = PutConcurrently("before", 4, 10, failed);
  ASSERT_EQ(failed, 0);
  ASSERT_EQ(before.size(), 40u);

  vfs_.Arm(GetParam());
  const auto during = PutConcurrently("during", 8, 5, failed);
  EXPECT_TRUE(during.empty()) << "a write was acknowledged that did not reach the disk";
  EXPECT_EQ(failed, 40);
  EXPECT_GT(vfs_.failures(), 0);
  // Readers see the last committed state, and nothing of the failed batches.
  EXPECT_EQ(Keys(), before);
  EXPECT_EQ(store_->key_value().Get(app_, "before-0-0", kNow).value().value, "value of before-0-0");

  vfs_.Clear();
  const auto after = PutConcurrently("after", 4, 10, failed);
  EXPECT_EQ(failed, 0) << "writes recover once the fault clears";
  std::set<std::string> expected = before;
  expected.insert(after.begin(), after.end());
  EXPECT_EQ(after.size(), 40u);
  EXPECT_EQ(Keys(), expected);

  Reopen();  // and from the file itself: a new store sees exactly the acknowledged writes
  EXPECT_EQ(Keys(), expected);
}

TEST_P(StorageFaultTest, OneFailedCommitFailsEveryWriteOfItsBatchAndNoOther) {
  // One failing call fails one commit; the writers go on and the later batches land.
  vfs_.Arm(GetParam(), 1);
  int failed = 0;
  const auto done = PutConcurrently("k", 8, 25, failed);
  EXPECT_EQ(vfs_.failures(), 1);
  EXPECT_GE(failed, 1) << "the batch whose commit failed reports it to its writers";
  EXPECT_EQ(done.size() + static_cast<std::size_t>(failed), 200u);
  // Exactly the acknowledged writes are there: none of the failed batch, all of the others.
  EXPECT_EQ(Keys(), done);
  Reopen();
  EXPECT_EQ(Keys(), done);
}

TEST_P(StorageFaultTest, SecretsAndApplicationsFailTheSameWay) {
  vfs_.Arm(GetParam());
  ServiceKey key;
  key.key_id = "k2";
  EXPECT_THROW(store_->accounts().Create("other", "o@localhost", 1, key), StoreError);
  EXPECT_THROW(store_->applications().Create(1, "app2", false, 1, 0), StoreError);
  vfs_.Clear();
  EXPECT_TRUE(store_->applications().Create(1, "app2", false, 1, 0).ok());
}

INSTANTIATE_TEST_SUITE_P(Faults, StorageFaultTest,
                         ::testing::Values(Fault::kDiskFull, Fault::kWriteError, Fault::kSyncError),
                         [](const auto& info) {
                           switch (info.param) {
                             case Fault::kDiskFull:
                               return "DiskFull";
                             case Fault::kWriteError:
                               return "WriteError";
                             default:
                               return "SyncError";
                           }
                         });

}  // namespace
}  // namespace coffer::store::sqlite
