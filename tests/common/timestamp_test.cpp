#include "common/timestamp.hpp"

#include <gtest/gtest.h>

#include "common/clock.hpp"

namespace coffer::common {
namespace {

struct TimestampCase {
  int64_t unix_seconds;
  const char* text;
};

class FormatTimestampTest : public ::testing::TestWithParam<TimestampCase> {};

TEST_P(FormatTimestampTest, RendersUtcWithoutZoneOrFraction) {
  EXPECT_EQ(FormatTimestamp(GetParam().unix_seconds), GetParam().text);
}

INSTANTIATE_TEST_SUITE_P(Table, FormatTimestampTest,
                         ::testing::Values(TimestampCase{0, "1970-01-01 00:00:00"},
                                           TimestampCase{59, "1970-01-01 00:00:59"},
                                           TimestampCase{86399, "1970-01-01 23:59:59"},
                                           TimestampCase{951782400, "2000-02-29 00:00:00"},
                                           TimestampCase{1606346632, "2020-11-25 23:23:52"},
                                           TimestampCase{1715350955, "2024-05-10 14:22:35"},
                                           TimestampCase{1767225600, "2026-01-01 00:00:00"},
                                           TimestampCase{-1, "1969-12-31 23:59:59"},
                                           TimestampCase{-62167219200, "0000-01-01 00:00:00"},
                                           TimestampCase{4107542399, "2100-02-28 23:59:59"},
                                           TimestampCase{4107542400, "2100-03-01 00:00:00"},
                                           TimestampCase{kLatestTimestamp, "9999-12-31 23:59:59"},
                                           TimestampCase{kLatestTimestamp + 1,
                                                         "10000-01-01 00:00:00"}));

TEST(SystemClockTest, IsNearTheWallClock) {
  const int64_t now = SystemClock().NowSeconds();
  EXPECT_GT(now, 1'700'000'000);  // after November 2023
  EXPECT_LT(now, 4'102'444'800);  // before 2100
}

}  // namespace
}  // namespace coffer::common
