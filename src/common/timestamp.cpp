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

std::string FormatTimestamp(int64_t unix_seconds) {
  using namespace std::chrono;
  const sys_seconds at{seconds(unix_seconds)};
  const auto day = floor<days>(at);
  const year_month_day date{day};
  const hh_mm_ss time{at - day};
  const int year = static_cast<int>(date.year());
  if (year < 0 || year > 9999) {  // never stored (kLatestTimestamp); kept readable all the same
    char buf[64];
    std::snprintf(buf, sizeof buf, "%04d-%02u-%02u %02d:%02d:%02d", year,
                  static_cast<unsigned>(date.month()), static_cast<unsigned>(date.day()),
                  static_cast<int>(time.hours().count()), static_cast<int>(time.minutes().count()),
                  static_cast<int>(time.seconds().count()));
    return buf;
  }
  // Digits by hand: snprintf and gmtime_r (which takes the time-zone lock) were 70 % of the
  // cost of a secret's JSON.
  std::string text = "0000-00-00 00:00:00";
  const auto put = [&text](std::size_t end, unsigned value, int digits) {
    for (int i = 1; i <= digits; ++i, value /= 10)
      text[end - i] = static_cast<char>('0' + value % 10);
  };
  put(4, static_cast<unsigned>(year), 4);
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
