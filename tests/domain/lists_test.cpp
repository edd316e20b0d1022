#include "domain/lists.hpp"

#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

namespace coffer::domain {
namespace {

struct IdListCase {
  std::string text;
  bool allow_all;
  bool ok;
  bool all = false;
  std::vector<int64_t> ids = {};
};

class ParseIdListTest : public ::testing::TestWithParam<IdListCase> {};

TEST_P(ParseIdListTest, ParsesIntlist) {
  const auto& c = GetParam();
  const auto list = ParseIdList(c.text, c.allow_all);
  ASSERT_EQ(list.has_value(), c.ok) << "input '" << c.text << "'";
  if (!list) return;
  EXPECT_EQ(list->all, c.all);
  EXPECT_EQ(list->ids, c.ids);
}

INSTANTIATE_TEST_SUITE_P(
    Table, ParseIdListTest,
    ::testing::Values(IdListCase{"1", true, true, false, {1}},
                      IdListCase{"1;2", true, true, false, {1, 2}},
                      IdListCase{"3;1;3", false, true, false, {3, 1, 3}},
                      IdListCase{"9223372036854775807", false, true, false, {INT64_MAX}},
                      IdListCase{"all", true, true, true, {}}, IdListCase{"all", false, false},
                      IdListCase{"ALL", true, false}, IdListCase{"any", true, false},
                      IdListCase{"1;all", true, false}, IdListCase{"all;1", true, false},
                      IdListCase{"1;;2", true, false}, IdListCase{"1;", true, false},
                      IdListCase{";1", true, false}, IdListCase{"", true, false},
                      IdListCase{"0", true, false}, IdListCase{"-1", true, false},
                      IdListCase{"1;0", true, false}, IdListCase{"1,2", true, false},
                      IdListCase{" 1", true, false}, IdListCase{"1.5", true, false},
                      IdListCase{"9223372036854775808", true, false}));

struct StringListCase {
  std::string text;
  std::optional<std::vector<std::string>> expected;
};

class ParseStringListTest : public ::testing::TestWithParam<StringListCase> {};

TEST_P(ParseStringListTest, SplitsOnSemicolon) {
  EXPECT_EQ(ParseStringList(GetParam().text), GetParam().expected)
      << "input '" << GetParam().text << "'";
}

INSTANTIATE_TEST_SUITE_P(
    Table, ParseStringListTest,
    ::testing::Values(StringListCase{"a", std::vector<std::string>{"a"}},
                      StringListCase{"a;b", std::vector<std::string>{"a", "b"}},
                      StringListCase{"all", std::vector<std::string>{"all"}},
                      StringListCase{"x y;\xC3\xA9", std::vector<std::string>{"x y", "\xC3\xA9"}},
                      StringListCase{"", std::nullopt}, StringListCase{";", std::nullopt},
                      StringListCase{"a;;b", std::nullopt}, StringListCase{"a;", std::nullopt},
                      StringListCase{";a", std::nullopt}));

}  // namespace
}  // namespace coffer::domain
