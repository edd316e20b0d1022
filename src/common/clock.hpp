#pragma once

#include <cstdint>

namespace coffer::common {

// Source of the current time. Injected everywhere time matters so tests can control it.
// Implementations must be thread-safe.
class Clock {
 public:
  virtual ~Clock() = default;
  // Current UTC time as whole Unix seconds.
  virtual int64_t NowSeconds() const = 0;
};

// The real wall clock.
class SystemClock final : public Clock {
 public:
  int64_t NowSeconds() const override;
};

}  // namespace coffer::common
