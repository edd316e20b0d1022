#pragma once

#include <atomic>
#include <cstdint>

#include "common/clock.hpp"

namespace coffer::testing_support {

// A clock that says whatever the test sets; starts at a fixed, realistic Unix time.
class FakeClock final : public common::Clock {
 public:
  static constexpr int64_t kStart = 1'715'350'955;  // 2024-05-10 14:22:35 UTC

  explicit FakeClock(int64_t now = kStart) : now_(now) {}

  int64_t NowSeconds() const override { return now_.load(); }
  void Set(int64_t now) { now_.store(now); }
  void Advance(int64_t seconds) { now_.fetch_add(seconds); }

 private:
  std::atomic<int64_t> now_;
};

}  // namespace coffer::testing_support
