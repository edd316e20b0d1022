// MetaStore conformance: store values and health, on every backend.

#include <gtest/gtest.h>

#include <atomic>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "conformance.hpp"

namespace coffer::store {
namespace {

class MetaTest : public StoreConformanceTest {};

TEST_P(MetaTest, PingAnswers) { EXPECT_TRUE(meta().Ping()); }

TEST_P(MetaTest, SetIfAbsentKeepsTheFirstValue) {
  EXPECT_EQ(meta().Get("check"), std::nullopt);
  EXPECT_EQ(meta().SetIfAbsent("check", "first"), "first");
  EXPECT_EQ(meta().SetIfAbsent("check", "second"), "first");
  EXPECT_EQ(meta().Get("check"), "first");
  EXPECT_EQ(meta().Get("other"), std::nullopt) << "values are per name";
  const std::string bytes("\x00\xFF binary", 9);
  EXPECT_EQ(meta().SetIfAbsent("binary", bytes), bytes);
  Reopen();
  EXPECT_EQ(meta().Get("check"), "first");
  EXPECT_EQ(meta().Get("binary"), bytes);
}

TEST_P(MetaTest, OfRacingSetIfAbsentsOnSeveralStoresEveryoneSeesOneWinner) {
  constexpr int kRacers = 6;
  std::vector<std::unique_ptr<Store>> stores;
  for (int i = 0; i < kRacers; ++i) stores.push_back(OpenAnother());
  std::vector<std::string> in_force(kRacers);
  std::atomic<int> ready = 0;
  std::vector<std::thread> threads;
  for (int i = 0; i < kRacers; ++i) {
    threads.emplace_back([&, i] {
      ++ready;
      while (ready < kRacers) std::this_thread::yield();
      in_force[i] = stores[i]->meta().SetIfAbsent("check", "value-" + std::to_string(i));
    });
  }
  for (auto& thread : threads) thread.join();
  int own = 0;
  for (int i = 0; i < kRacers; ++i) {
    EXPECT_EQ(in_force[i], in_force[0]) << "racer " << i << " was told another winner";
    if (in_force[i] == "value-" + std::to_string(i)) ++own;
  }
  EXPECT_EQ(own, 1) << "exactly one racer's value is in force";
  EXPECT_EQ(meta().Get("check"), in_force[0]);
}

// Whatever the backend, reads inside a scope answer correctly; where a shared snapshot is given,
// every area's reads see the state at its first read, and only on the thread that opened it.
TEST_P(MetaTest, ASharedSnapshotHoldsThisThreadsReadsToOneState) {
  constexpr int64_t kNow = 1'700'000'000;
  const Account dev = MakeAccount("dev");
  const int64_t app = applications().Create(dev.id, "app", false, kNow, 0).value().id;
  ASSERT_EQ(key_value().Put(app, KvItem{"before", "1", kNow + 3600}), Outcome::kOk);
  {
    const auto snapshot = meta().ShareSnapshot();
    if (GetParam().name == "Sqlite") {
      ASSERT_NE(snapshot, nullptr) << "SQLite shares one read transaction";
    }
    EXPECT_EQ(meta().ShareSnapshot(), nullptr)
        << "a second scope on the same thread shares the first";
    EXPECT_EQ(key_value().Get(app, "before", kNow).value().value, "1");
    ASSERT_EQ(key_value().Put(app, KvItem{"during", "2", kNow + 3600}), Outcome::kOk);
    ASSERT_EQ(accounts().AddKey(Key("later-key", dev.id)), Outcome::kOk);
    std::optional<bool> other_thread_sees;
    std::thread([&] { other_thread_sees = key_value().Get(app, "during", kNow).ok(); }).join();
    EXPECT_EQ(other_thread_sees, true) << "other threads read the latest state";
    const bool sees_write = key_value().Get(app, "during", kNow).ok();
    const bool sees_key = accounts().FindKey("later-key").has_value();
    EXPECT_EQ(sees_write, sees_key) << "the areas read one state";
    if (snapshot) {
      EXPECT_FALSE(sees_write) << "the shared snapshot predates the write";
      EXPECT_EQ(accounts().FindKey("dev-key")->account_id, dev.id);
    } else {
      EXPECT_TRUE(sees_write) << "without a shared snapshot, each read sees the latest state";
    }
  }
  EXPECT_EQ(key_value().Get(app, "during", kNow).value().value, "2") << "the scope has ended";
  if (GetParam().name == "Sqlite") {
    EXPECT_NE(meta().ShareSnapshot(), nullptr) << "a new scope opens once the first has ended";
  }
}

INSTANTIATE_TEST_SUITE_P(Backends, MetaTest, ::testing::ValuesIn(ConformanceBackends()),
                         BackendName);

}  // namespace
}  // namespace coffer::store
