#include "domain/names.hpp"

#include <gtest/gtest.h>

#include <optional>
#include <string>

namespace coffer::domain {
namespace {

struct NameCase {
  std::string name;
  bool valid;
};

class ShortAppNameTest : public ::testing::TestWithParam<NameCase> {};

TEST_P(ShortAppNameTest, MatchesSpecPattern) {
  EXPECT_EQ(IsValidShortAppName(GetParam().name), GetParam().valid)
      << "'" << GetParam().name << "'";
}

INSTANTIATE_TEST_SUITE_P(
    Table, ShortAppNameTest,
    ::testing::Values(NameCase{"ab", true}, NameCase{"myapp1", true}, NameCase{"my-app-2", true},
                      NameCase{"a-", true}, NameCase{"a1", true},
                      NameCase{"a" + std::string(64, 'b'), true},   // 65 characters
                      NameCase{"a" + std::string(65, 'b'), false},  // 66 characters
                      NameCase{"a", false}, NameCase{"", false}, NameCase{"1app", false},
                      NameCase{"-app", false}, NameCase{"MyApp", false}, NameCase{"myApp", false},
                      NameCase{"my_app", false}, NameCase{"my.app", false},
                      NameCase{"my app", false}, NameCase{"\xD0\xB0pp", false}));

class AccountNameTest : public ::testing::TestWithParam<NameCase> {};

TEST_P(AccountNameTest, MatchesSpecPattern) {
  EXPECT_EQ(IsValidAccountName(GetParam().name), GetParam().valid) << "'" << GetParam().name << "'";
}

INSTANTIATE_TEST_SUITE_P(
    Table, AccountNameTest,
    ::testing::Values(NameCase{"a", true}, NameCase{"dev", true}, NameCase{"test-2", true},
                      NameCase{"a" + std::string(39, 'x'), true},   // 40 characters
                      NameCase{"a" + std::string(40, 'x'), false},  // 41 characters
                      NameCase{"", false}, NameCase{"2dev", false}, NameCase{"Dev", false},
                      NameCase{"dev.x", false}, NameCase{"-dev", false}, NameCase{"de_v", false}));

TEST(FullAppNameTest, JoinsWithDots) {
  EXPECT_EQ(FullAppName("myapp1", "test", "voximplant.com"), "myapp1.test.voximplant.com");
  EXPECT_EQ(FullAppName("x", "dev", "example.org"), "x.dev.example.org");
}

struct ParseCase {
  std::string input;
  std::optional<std::string> expected;
};

class ParseNewAppNameTest : public ::testing::TestWithParam<ParseCase> {};

TEST_P(ParseNewAppNameTest, AcceptsShortAndFullNames) {
  EXPECT_EQ(ParseNewAppName(GetParam().input, "dev", "voximplant.com"), GetParam().expected)
      << "input '" << GetParam().input << "'";
}

INSTANTIATE_TEST_SUITE_P(
    Table, ParseNewAppNameTest,
    ::testing::Values(
        ParseCase{"myapp", "myapp"}, ParseCase{"x1", "x1"},
        ParseCase{"myapp.dev.voximplant.com", "myapp"}, ParseCase{"xy.dev.voximplant.com", "xy"},
        ParseCase{"myapp.DEV.VoxImplant.COM", "myapp"},  // the suffix ignores case
        ParseCase{"MyApp", std::nullopt},                // the short name does not
        ParseCase{"MYAPP.dev.voximplant.com", std::nullopt},
        ParseCase{"myapp.other.voximplant.com", std::nullopt},  // another account
        ParseCase{"myapp.dev.example.com", std::nullopt},       // another domain
        ParseCase{"myapp.dev.voximplant.com.evil", std::nullopt},
        ParseCase{"myapp.dev", std::nullopt},
        ParseCase{".dev.voximplant.com", std::nullopt},  // suffix only
        ParseCase{"dev.voximplant.com", std::nullopt},
        ParseCase{"a.dev.voximplant.com", std::nullopt},  // short part too short
        ParseCase{"x", std::nullopt}, ParseCase{"", std::nullopt}, ParseCase{"1app", std::nullopt},
        ParseCase{"my_app.dev.voximplant.com", std::nullopt},
        ParseCase{"a.b.dev.voximplant.com", std::nullopt},
        ParseCase{"a" + std::string(64, 'b'), "a" + std::string(64, 'b')},
        ParseCase{"a" + std::string(65, 'b'), std::nullopt},
        ParseCase{"a" + std::string(64, 'b') + ".dev.voximplant.com", "a" + std::string(64, 'b')}));

TEST(ParseNewAppNameTest, UsesTheGivenAccountAndDomain) {
  EXPECT_EQ(ParseNewAppName("app.acme.example.org", "acme", "example.org"), "app");
  EXPECT_EQ(ParseNewAppName("app.acme.voximplant.com", "acme", "example.org"), std::nullopt);
}

}  // namespace
}  // namespace coffer::domain
