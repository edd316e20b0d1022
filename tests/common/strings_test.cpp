#include "common/strings.hpp"

#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

namespace coffer::common {
namespace {

struct IntCase {
  std::string text;
  std::optional<int64_t> expected;
};

class ParseStrictInt64Test : public ::testing::TestWithParam<IntCase> {};

TEST_P(ParseStrictInt64Test, FollowsTheProtocolIntegerSyntax) {
  EXPECT_EQ(ParseStrictInt64(GetParam().text), GetParam().expected)
      << "input '" << GetParam().text << "'";
}

INSTANTIATE_TEST_SUITE_P(
    Table, ParseStrictInt64Test,
    ::testing::Values(
        IntCase{"0", 0}, IntCase{"1", 1}, IntCase{"-1", -1}, IntCase{"42", 42}, IntCase{"007", 7},
        IntCase{"9223372036854775807", INT64_MAX}, IntCase{"-9223372036854775808", INT64_MIN},
        IntCase{"9223372036854775808", std::nullopt}, IntCase{"-9223372036854775809", std::nullopt},
        IntCase{"99999999999999999999", std::nullopt},  // 20 digits
        IntCase{"00000000000000000001", std::nullopt},  // 20 digits, small value
        IntCase{"", std::nullopt}, IntCase{"-", std::nullopt}, IntCase{"+1", std::nullopt},
        IntCase{" 1", std::nullopt}, IntCase{"1 ", std::nullopt}, IntCase{"1.0", std::nullopt},
        IntCase{"1e3", std::nullopt}, IntCase{"0x10", std::nullopt}, IntCase{"--1", std::nullopt},
        IntCase{"1-", std::nullopt}, IntCase{"abc", std::nullopt},
        IntCase{"\xD9\xA1", std::nullopt}));  // ARABIC-INDIC DIGIT ONE

TEST(AsciiLowerTest, LowersOnlyAsciiLetters) {
  EXPECT_EQ(AsciiLower(""), "");
  EXPECT_EQ(AsciiLower("MyApp-1.Dev.VoxImplant.COM"), "myapp-1.dev.voximplant.com");
  EXPECT_EQ(AsciiLower("already lower 09_-"), "already lower 09_-");
  EXPECT_EQ(AsciiLower("[@`{"), "[@`{");                          // neighbours of the letter ranges
  EXPECT_EQ(AsciiLower("\xD0\x9F\xC3\x89"), "\xD0\x9F\xC3\x89");  // Cyrillic Pe, E-acute kept
}

TEST(AsciiIEqualsTest, IgnoresAsciiCaseOnly) {
  EXPECT_TRUE(AsciiIEquals("Bearer", "bEARER"));
  EXPECT_TRUE(AsciiIEquals("", ""));
  EXPECT_FALSE(AsciiIEquals("Bearer", "Bearer "));
  EXPECT_FALSE(AsciiIEquals("\xC3\x89", "\xC3\xA9"));
}

TEST(SplitTest, KeepsEmptyElements) {
  using V = std::vector<std::string_view>;
  EXPECT_EQ(Split("1;2;3", ';'), (V{"1", "2", "3"}));
  EXPECT_EQ(Split("", ';'), (V{""}));
  EXPECT_EQ(Split("abc", ';'), (V{"abc"}));
  EXPECT_EQ(Split(";", ';'), (V{"", ""}));
  EXPECT_EQ(Split("1;;2", ';'), (V{"1", "", "2"}));
  EXPECT_EQ(Split(";a;", ';'), (V{"", "a", ""}));
  EXPECT_EQ(Split("a&b;c", '&'), (V{"a", "b;c"}));
}

TEST(TrimSpacesTest, StripsSpacesAndTabsAtBothEnds) {
  EXPECT_EQ(TrimSpaces("  a b \t"), "a b");
  EXPECT_EQ(TrimSpaces("\t\t"), "");
  EXPECT_EQ(TrimSpaces(""), "");
  EXPECT_EQ(TrimSpaces("\na\r"), "\na\r");  // only spaces and tabs
}

}  // namespace
}  // namespace coffer::common
