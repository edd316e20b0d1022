#pragma once

#include <chrono>
#include <cstddef>
#include <mutex>

namespace coffer::common {

// Decides when a repeated event is worth a log line: at most one per `interval`, reporting how
// many happened since the last line, so a flood (refused connections, a database outage) writes
// one line per interval instead of one per event. Thread-safe.
class LogThrottle {
 public:
  explicit LogThrottle(std::chrono::steady_clock::duration interval) : interval_(interval) {}

  // Counts one event. Returns the number of events to report (this one included) when a line
  // is due now, else 0.
  std::size_t Note() {
    std::lock_guard lock(mutex_);
    ++since_last_line_;
    return TakeIfDue();
  }

  // The events not reported yet when a line is due now, else 0. Called from a timer every
  // interval, so the end of a burst is reported even when no event follows it.
  std::size_t Flush() {
    std::lock_guard lock(mutex_);
    return since_last_line_ == 0 ? 0 : TakeIfDue();
  }

 private:
  std::size_t TakeIfDue() {
    const auto now = std::chrono::steady_clock::now();
    if (logged_once_ && now - last_line_ < interval_) return 0;
    logged_once_ = true;
    last_line_ = now;
    const std::size_t count = since_last_line_;
    since_last_line_ = 0;
    return count;
  }

  const std::chrono::steady_clock::duration interval_;
  std::mutex mutex_;
  std::size_t since_last_line_ = 0;
  bool logged_once_ = false;
  std::chrono::steady_clock::time_point last_line_{};
};

}  // namespace coffer::common
