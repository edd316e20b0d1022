#include "auth/principal.hpp"

#include <algorithm>

namespace coffer::auth {

bool HasAnyRole(const Principal& principal, std::span<const std::string_view> allowed) {
  if (principal.legacy) return true;
  return std::any_of(principal.roles.begin(), principal.roles.end(), [&](const std::string& role) {
    return std::find(allowed.begin(), allowed.end(), role) != allowed.end();
  });
}

}  // namespace coffer::auth
