// AuditStore conformance (SPEC 16's chain as stored), on every backend: records numbered from 1,
// each after the previous one's hash, one chain for every store on the storage; a scope's record
// commits with the write it describes and only with a successful one.

#include <gtest/gtest.h>

#include <atomic>
#include <future>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "conformance.hpp"

namespace coffer::store {
namespace {

// A chain function that shows its inputs (the store neither knows nor cares what hashes).
std::string TestChain(const std::string& prev_hash, int64_t seq, const std::string& entry) {
  return "h(" + prev_hash.substr(0, 12) + "," + std::to_string(seq) + "," + entry + ")";
}

AuditAppend Entry(const std::string& text, std::optional<int64_t> application = std::nullopt) {
  return AuditAppend{.time = 1'800'000'000, .application_id = application, .entry = text};
}

class AuditTest : public StoreConformanceTest {
 protected:
  // Checks that the stored rows form one unbroken chain; returns their entries in order.
  std::vector<std::string> Chain() {
    std::vector<std::string> entries;
    std::string prev = kAuditGenesis;
    for (const AuditRow& row : audit().Rows(0, 100000)) {
      EXPECT_EQ(row.seq, static_cast<int64_t>(entries.size()) + 1);
      EXPECT_EQ(row.prev_hash, prev) << row.seq;
      EXPECT_EQ(row.hash, TestChain(row.prev_hash, row.seq, row.entry)) << row.seq;
      prev = row.hash;
      entries.push_back(row.entry);
    }
    const AuditHead head = audit().Head();
    EXPECT_EQ(head.seq, static_cast<int64_t>(entries.size()));
    EXPECT_EQ(head.hash, prev);
    return entries;
  }
};

TEST_P(AuditTest, RecordsAreNumberedFromOneAndChained) {
  EXPECT_EQ(audit().Head().seq, 0);
  EXPECT_EQ(audit().Head().hash, kAuditGenesis);
  audit().Append(Entry("one", 7), &TestChain);
  audit().Append(Entry("two"), &TestChain);
  audit().Append(Entry("three"), &TestChain);
  EXPECT_EQ(Chain(), (std::vector<std::string>{"one", "two", "three"}));
  const auto rows = audit().Rows(0, 10);
  EXPECT_EQ(rows[0].application_id, 7);
  EXPECT_EQ(rows[1].application_id, std::nullopt);
  EXPECT_EQ(rows[0].time, 1'800'000'000);
  const auto page = audit().Rows(1, 1);
  ASSERT_EQ(page.size(), 1U);
  EXPECT_EQ(page[0].entry, "two");
  Reopen();
  EXPECT_EQ(Chain().size(), 3U) << "durable";
}

TEST_P(AuditTest, AppendAsyncTellsOnceTheRecordIsStored) {
  std::promise<std::exception_ptr> told;
  audit().AppendAsync(Entry("later"), &TestChain,
                      [&](std::exception_ptr failure) { told.set_value(failure); });
  EXPECT_EQ(told.get_future().get(), nullptr);
  EXPECT_EQ(Chain(), std::vector<std::string>{"later"});
}

TEST_P(AuditTest, AScopesRecordCommitsWithTheFirstSuccessfulWriteOnly) {
  const Account dev = MakeAccount("dev");
  ASSERT_TRUE(applications().Create(dev.id, "taken", false, 1, 0).ok());
  const std::size_t before = Chain().size();
  int made = 0;
  {
    AuditScope scope([&] { return Entry("call-" + std::to_string(++made)); }, &TestChain);
    EXPECT_EQ(applications().Create(dev.id, "taken", false, 1, 0).outcome(), Outcome::kConflict);
    EXPECT_FALSE(scope.appended()) << "a failed write carries no record";
    EXPECT_EQ(Chain().size(), before);
    {
      const AuditScope::Aside aside;
      ASSERT_TRUE(applications().Create(dev.id, "aside", false, 1, 0).ok());
    }
    EXPECT_FALSE(scope.appended()) << "a write made aside carries no record";
    ASSERT_TRUE(applications().Create(dev.id, "fresh", false, 1, 0).ok());
    EXPECT_TRUE(scope.appended());
    ASSERT_TRUE(applications().Create(dev.id, "second", false, 1, 0).ok());
  }
  const auto entries = Chain();
  ASSERT_EQ(entries.size(), before + 1) << "once per scope";
  EXPECT_EQ(entries.back().substr(0, 5), "call-");
  ASSERT_TRUE(applications().Create(dev.id, "after", false, 1, 0).ok());
  EXPECT_EQ(Chain().size(), before + 1) << "no scope, no record";
}

TEST_P(AuditTest, ScopesDoNotNest) {
  AuditScope outer([] { return Entry("outer"); }, &TestChain);
  EXPECT_THROW(AuditScope([] { return Entry("inner"); }, &TestChain), std::logic_error);
}

TEST_P(AuditTest, AppendsFromManyStoresAndThreadsFormOneChain) {
  constexpr int kStores = 3;
  constexpr int kThreads = 3;
  constexpr int kEach = 15;
  std::vector<std::unique_ptr<Store>> stores;
  for (int i = 0; i < kStores; ++i) stores.push_back(OpenAnother());
  std::vector<std::thread> threads;
  for (int s = 0; s < kStores; ++s) {
    for (int t = 0; t < kThreads; ++t) {
      threads.emplace_back([&, s, t] {
        for (int i = 0; i < kEach; ++i) {
          stores[s]->audit().Append(
              Entry(std::to_string(s) + "/" + std::to_string(t) + "/" + std::to_string(i)),
              &TestChain);
        }
      });
    }
  }
  for (auto& thread : threads) thread.join();
  const auto entries = Chain();
  EXPECT_EQ(entries.size(), static_cast<std::size_t>(kStores * kThreads * kEach));
  EXPECT_EQ(std::set<std::string>(entries.begin(), entries.end()).size(), entries.size())
      << "every append once";
}

TEST_P(AuditTest, ConcurrentAsyncAndWaitingAppendsFormOneChainEachToldOnce) {
  constexpr int kThreads = 4;
  constexpr int kEach = 40;
  std::vector<std::atomic<int>> told(kThreads * kEach);
  std::atomic<int> failures = 0;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kEach; ++i) {
        const int n = t * kEach + i;
        if (i % 8 == 7) {  // a waiting append now and then, amid the asynchronous ones
          audit().Append(Entry(std::to_string(n)), &TestChain);
          ++told[n];
          continue;
        }
        audit().AppendAsync(Entry(std::to_string(n)), &TestChain,
                            [&, n](std::exception_ptr failure) {
                              if (failure) ++failures;
                              ++told[n];
                            });
      }
    });
  }
  for (auto& thread : threads) thread.join();
  // Every record is told once it is durable; wait for the last of them.
  for (int n = 0; n < kThreads * kEach; ++n) {
    while (told[n] == 0) std::this_thread::yield();
  }
  EXPECT_EQ(failures, 0);
  for (int n = 0; n < kThreads * kEach; ++n) EXPECT_EQ(told[n], 1) << n;
  Reopen();
  const auto entries = Chain();
  EXPECT_EQ(entries.size(), static_cast<std::size_t>(kThreads * kEach));
  EXPECT_EQ(std::set<std::string>(entries.begin(), entries.end()).size(), entries.size())
      << "every append once";
  std::vector<int> last(kThreads, -1);
  for (const std::string& entry : entries) {
    const int n = std::stoi(entry);
    EXPECT_GT(n % kEach, last[n / kEach]) << "one thread's appends stay in its order: " << n;
    last[n / kEach] = n % kEach;
  }
}

INSTANTIATE_TEST_SUITE_P(Backends, AuditTest, ::testing::ValuesIn(ConformanceBackends()),
                         BackendName);

}  // namespace
}  // namespace coffer::store
