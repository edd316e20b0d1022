#include "domain/roles.hpp"

#include <algorithm>
#include <array>

namespace coffer::domain {

namespace {

constexpr std::array<std::string_view, 16> kKnownRoles = {
    "Owner",        "Admin",        "Developer",
    "Support",      "Supervisor",   "CallList Manager",
    "Accountant",   "Verification", "Scenarios",
    "User Manager", "User Read",    "User Update",
    "ACD Manager",  "ACD Stats",    "ACD Management",
    "CallHistory"};

constexpr std::array<std::string_view, 3> kDataManagementRoles = {"Owner", "Admin", "Developer"};

}  // namespace

std::span<const std::string_view> KnownRoles() { return kKnownRoles; }

bool IsKnownRole(std::string_view role) {
  return std::find(kKnownRoles.begin(), kKnownRoles.end(), role) != kKnownRoles.end();
}

std::span<const std::string_view> DataManagementRoles() { return kDataManagementRoles; }

}  // namespace coffer::domain
