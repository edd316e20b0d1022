#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace coffer::domain {

// The platform's role names (SPEC 3), exactly as spelled there.
std::span<const std::string_view> KnownRoles();

// True when `role` is one of KnownRoles().
bool IsKnownRole(std::string_view role);

// Roles that may call the application, key-value and secrets methods.
std::span<const std::string_view> DataManagementRoles();

}  // namespace coffer::domain
