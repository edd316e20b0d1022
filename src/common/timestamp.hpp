#pragma once

#include <cstdint>
#include <string>

namespace coffer::common {

// Renders Unix seconds as the protocol's timestamp, `YYYY-MM-DD HH:MM:SS` in UTC.
std::string FormatTimestamp(int64_t unix_seconds);

}  // namespace coffer::common
