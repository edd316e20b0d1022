#pragma once

#include <atomic>
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

// The emulator's clock (SPEC 17): `base` shifted by an offset that can be moved, so expiry,
// timestamps and token checks all see the moved time. Thread-safe; `base` must outlive it.
class MovableClock final : public Clock {
 public:
  explicit MovableClock(const Clock& base) : base_(base) {}

  int64_t NowSeconds() const override { return base_.NowSeconds() + offset_.load(); }
  void Advance(int64_t seconds) { offset_.fetch_add(seconds); }
  void Set(int64_t unix_seconds) { offset_.store(unix_seconds - base_.NowSeconds()); }
  // Seconds ahead of `base` (behind when negative).
  int64_t offset() const { return offset_.load(); }

 private:
  const Clock& base_;
  std::atomic<int64_t> offset_{0};
};

}  // namespace coffer::common
