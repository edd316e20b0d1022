#include "common/timestamp.hpp"

#include <chrono>
#include <cstdio>
#include <ctime>

#include "common/clock.hpp"

namespace coffer::common {

int64_t SystemClock::NowSeconds() const {
  using namespace std::chrono;
  return duration_cast<seconds>(system_clock::now().time_since_epoch()).count();
}

namespace {

// 0000-01-01 00:00:00 UTC: with kLatestTimestamp, the range of four-digit years.
constexpr int64_t kEarliestFourDigitYear = -62'167'219'200;

std::string FormatWithLibc(int64_t unix_seconds) {
  std::time_t t = static_cast<std::time_t>(unix_seconds);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d %02d:%02d:%02d", tm.tm_year + 1900, tm.tm_mon + 1,
                tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
  return buf;
}

}  // namespace

std::string FormatTimestamp(int64_t unix_seconds) {
  // Never stored (kLatestTimestamp), but shown all the same.
  if (unix_seconds < kEarliestFourDigitYear || unix_seconds > kLatestTimestamp) {
    return FormatWithLibc(unix_seconds);
  }
  // Digits by hand: snprintf and gmtime_r (which takes the time-zone lock) were 70 % of the
  // cost of a secret's JSON.
  using namespace std::chrono;
  const sys_seconds at{seconds(unix_seconds)};
  const auto day = floor<days>(at);
  const year_month_day date{day};
  const hh_mm_ss time{at - day};
  std::string text = "0000-00-00 00:00:00";
  const auto put = [&text](std::size_t end, unsigned value, int digits) {
    for (int i = 1; i <= digits; ++i, value /= 10)
      text[end - i] = static_cast<char>('0' + value % 10);
  };
  put(4, static_cast<unsigned>(static_cast<int>(date.year())), 4);
  put(7, static_cast<unsigned>(date.month()), 2);
  put(10, static_cast<unsigned>(date.day()), 2);
  put(13, static_cast<unsigned>(time.hours().count()), 2);
  put(16, static_cast<unsigned>(time.minutes().count()), 2);
  put(19, static_cast<unsigned>(time.seconds().count()), 2);
  return text;
}

std::optional<int64_t> ParseUtcTime(const std::string& text, const char* format) {
  std::tm utc{};
  const char* end = strptime(text.c_str(), format, &utc);
  if (end == nullptr || *end != '\0') return std::nullopt;
  return static_cast<int64_t>(timegm(&utc));
}

}  // namespace coffer::common
