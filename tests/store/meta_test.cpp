// MetaStore conformance: store values and health, on every backend.

#include <gtest/gtest.h>

#include <atomic>
#include <memory>
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

INSTANTIATE_TEST_SUITE_P(Backends, MetaTest, ::testing::ValuesIn(ConformanceBackends()),
                         BackendName);

}  // namespace
}  // namespace coffer::store
