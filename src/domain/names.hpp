#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace coffer::domain {

// Application short name: ^[a-z][a-z0-9-]{1,64}$ (SPEC 4.1).
bool IsValidShortAppName(std::string_view name);

// Account name: ^[a-z][a-z0-9-]{0,39}$ (SPEC 13.2).
bool IsValidAccountName(std::string_view name);

// `<short>.<account>.<domain>`.
std::string FullAppName(std::string_view short_name, std::string_view account_name,
                        std::string_view domain);

// Reads an application name given by a caller: a short name, or a full name ending in
// `.<account>.<domain>` (that suffix compared without regard to ASCII case). Returns the short
// name, or nullopt when the input fits neither form. The short name must already be lower
// case; lookups lower-case the input first, since names compare case-insensitively.
std::optional<std::string> ParseNewAppName(std::string_view input, std::string_view account_name,
                                           std::string_view domain);

}  // namespace coffer::domain
