#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace coffer::auth {

// Who is calling: an authenticated account and the roles of the credentials used.
struct Principal {
  int64_t account_id = 0;
  std::string account_name;
  std::string key_id;              // empty for legacy api_key credentials
  std::vector<std::string> roles;  // of the key; unused when `legacy`
  bool legacy = false;             // account_id/api_key credentials: full permissions
};

// True when the principal may call a method open to `allowed` roles (legacy always may).
bool HasAnyRole(const Principal& principal, std::span<const std::string_view> allowed);

}  // namespace coffer::auth
