#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace coffer::common {

// The protocol's integer: optional '-', then 1..19 ASCII digits, within int64. Nothing else.
std::optional<int64_t> ParseStrictInt64(std::string_view text);

// ASCII-only lower-casing; other bytes (including UTF-8 sequences) are kept.
std::string AsciiLower(std::string_view text);

// Case-insensitive ASCII comparison.
bool AsciiIEquals(std::string_view a, std::string_view b);

// Splits on `sep`, keeping empty elements.
std::vector<std::string_view> Split(std::string_view text, char sep);

// Strips spaces and horizontal tabs at both ends.
std::string_view TrimSpaces(std::string_view text);

}  // namespace coffer::common
