#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace coffer::common {

// True when `text` is well-formed UTF-8 (no overlongs, no surrogates, nothing above U+10FFFF).
bool IsValidUtf8(std::string_view text);

// Number of code points in valid UTF-8 `text` (continuation bytes are not counted).
std::size_t CountCodePoints(std::string_view text);

// Byte length of the first `max_code_points` code points of valid UTF-8 `text`.
std::size_t PrefixBytes(std::string_view text, std::size_t max_code_points);

// Converts ISO-8859-1 bytes to UTF-8.
std::string Latin1ToUtf8(std::string_view latin1);

}  // namespace coffer::common
