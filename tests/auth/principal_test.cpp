#include "auth/principal.hpp"

#include <gtest/gtest.h>

#include <array>
#include <string_view>

#include "domain/roles.hpp"

namespace coffer::auth {
namespace {

constexpr std::array<std::string_view, 3> kDataRoles = {"Owner", "Admin", "Developer"};

Principal WithRoles(std::vector<std::string> roles) {
  Principal principal;
  principal.account_id = 1;
  principal.account_name = "dev";
  principal.key_id = "k";
  principal.roles = std::move(roles);
  return principal;
}

TEST(HasAnyRoleTest, Table) {
  struct Case {
    std::vector<std::string> roles;
    bool allowed;
  } cases[] = {
      {{"Owner"}, true},
      {{"Admin"}, true},
      {{"Developer"}, true},
      {{"Support", "Developer"}, true},
      {{}, false},
      {{"Support"}, false},
      {{"CallList Manager", "Accountant"}, false},
      {{"owner"}, false},  // case-sensitive
      {{"Owner "}, false},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(HasAnyRole(WithRoles(c.roles), kDataRoles), c.allowed)
        << ::testing::PrintToString(c.roles);
  }
}

TEST(HasAnyRoleTest, LegacyPrincipalsAlwaysPass) {
  Principal legacy = WithRoles({});
  legacy.key_id.clear();
  legacy.legacy = true;
  EXPECT_TRUE(HasAnyRole(legacy, kDataRoles));
  EXPECT_TRUE(HasAnyRole(legacy, {}));
}

TEST(HasAnyRoleTest, NoAllowedRolesAdmitsNoKey) {
  EXPECT_FALSE(HasAnyRole(WithRoles({"Owner"}), {}));
}

TEST(HasAnyRoleTest, WorksWithTheDomainTable) {
  EXPECT_TRUE(HasAnyRole(WithRoles({"Admin"}), domain::DataManagementRoles()));
  EXPECT_FALSE(HasAnyRole(WithRoles({"Supervisor"}), domain::DataManagementRoles()));
}

}  // namespace
}  // namespace coffer::auth
