#include "common/log_throttle.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <thread>

namespace coffer::common {
namespace {

using std::chrono::hours;
using std::chrono::milliseconds;

TEST(LogThrottleTest, TheFirstEventIsReportedThenTheRestWaitForTheInterval) {
  LogThrottle throttle(hours(1));
  EXPECT_EQ(throttle.Note(), 1u);
  EXPECT_EQ(throttle.Note(), 0u);
  EXPECT_EQ(throttle.Note(), 0u);
  EXPECT_EQ(throttle.Flush(), 0u) << "a report is not due within the interval";
}

TEST(LogThrottleTest, EveryEventIsReportedExactlyOnceNoteAndFlushTogether) {
  LogThrottle throttle(milliseconds(1));
  std::size_t reported = 0;
  for (int round = 0; round < 5; ++round) {
    for (int i = 0; i < 25; ++i) reported += throttle.Note();
    std::this_thread::sleep_for(milliseconds(5));
  }
  // The end of the last burst has no event after it: only Flush reports it.
  reported += throttle.Flush();
  EXPECT_EQ(reported, 125u);
  EXPECT_EQ(throttle.Flush(), 0u) << "nothing is pending";
  std::this_thread::sleep_for(milliseconds(5));
  EXPECT_EQ(throttle.Flush(), 0u) << "a due report with nothing to say writes no line";
  EXPECT_EQ(throttle.Note(), 1u);
}

}  // namespace
}  // namespace coffer::common
