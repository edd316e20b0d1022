#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace coffer::common {

// The last second the protocol's timestamp can show (9999-12-31 23:59:59 UTC).
inline constexpr int64_t kLatestTimestamp = 253'402'300'799;

// Renders Unix seconds as the protocol's timestamp, `YYYY-MM-DD HH:MM:SS` in UTC.
std::string FormatTimestamp(int64_t unix_seconds);

// Reads `format` (strptime's) as a UTC time: the Unix seconds, or nullopt unless the whole text
// matches.
std::optional<int64_t> ParseUtcTime(const std::string& text, const char* format);

// Reads the protocol's timestamp back; nullopt unless `text` is one.
inline std::optional<int64_t> ParseTimestamp(const std::string& text) {
  return ParseUtcTime(text, "%Y-%m-%d %H:%M:%S");
}

}  // namespace coffer::common
