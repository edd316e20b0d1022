#include "domain/roles.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

namespace coffer::domain {
namespace {

TEST(RolesTest, EverySpecRoleIsKnown) {
  const char* spec_roles[] = {"Owner",        "Admin",        "Developer",
                              "Support",      "Supervisor",   "CallList Manager",
                              "Accountant",   "Verification", "Scenarios",
                              "User Manager", "User Read",    "User Update",
                              "ACD Manager",  "ACD Stats",    "ACD Management",
                              "CallHistory"};
  for (const char* role : spec_roles) EXPECT_TRUE(IsKnownRole(role)) << role;
  EXPECT_EQ(KnownRoles().size(), std::size(spec_roles));
}

TEST(RolesTest, UnknownSpellingsAreRejected) {
  for (const char* role : {"", "owner", "OWNER", "Owner ", " Owner", "CallListManager",
                           "Calllist Manager", "Root", "Superuser"}) {
    EXPECT_FALSE(IsKnownRole(role)) << "'" << role << "'";
  }
}

TEST(RolesTest, DataManagementRolesAreOwnerAdminDeveloper) {
  std::vector<std::string> roles(DataManagementRoles().begin(), DataManagementRoles().end());
  std::sort(roles.begin(), roles.end());
  EXPECT_EQ(roles, (std::vector<std::string>{"Admin", "Developer", "Owner"}));
  for (const auto role : DataManagementRoles()) EXPECT_TRUE(IsKnownRole(role));
}

}  // namespace
}  // namespace coffer::domain
