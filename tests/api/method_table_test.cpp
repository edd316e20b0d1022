#include "api/method_table.hpp"

#include <gtest/gtest.h>

#include <array>
#include <string_view>

namespace coffer::api {
namespace {

constexpr std::array<std::string_view, 1> kOwnerOnly = {"Owner"};

TEST(MethodTableTest, FindsByExactName) {
  MethodTable table;
  table.Add("GetThings", MethodSpec{kOwnerOnly, [](const MethodCall&) {
                                      return boost::json::object{{"result", 1}};
                                    }});
  const MethodSpec* found = table.Find("GetThings");
  ASSERT_NE(found, nullptr);
  ASSERT_EQ(found->allowed_roles.size(), 1u);
  EXPECT_EQ(found->allowed_roles[0], "Owner");
  EXPECT_EQ(table.Find("getthings"), nullptr);
  EXPECT_EQ(table.Find("GetThing"), nullptr);
  EXPECT_EQ(table.Find("GetThings "), nullptr);
  EXPECT_EQ(table.Find(""), nullptr);
}

}  // namespace
}  // namespace coffer::api
