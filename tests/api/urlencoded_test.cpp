#include "api/urlencoded.hpp"

#include <gtest/gtest.h>

#include <map>
#include <string>

#include "api/errors.hpp"

namespace coffer::api {
namespace {

struct DecodeCase {
  std::string text;
  std::map<std::string, std::string> expected;  // name -> winning value
  std::size_t pairs;
};

class DecodeUrlEncodedTest : public ::testing::TestWithParam<DecodeCase> {};

TEST_P(DecodeUrlEncodedTest, Decodes) {
  Params params;
  DecodeUrlEncoded(GetParam().text, ParamSource::kQuery, params);
  EXPECT_EQ(params.size(), GetParam().pairs) << GetParam().text;
  for (const auto& [name, value] : GetParam().expected) {
    const std::string* found = params.Find(name);
    ASSERT_NE(found, nullptr) << GetParam().text << " lacks " << name;
    EXPECT_EQ(*found, value) << GetParam().text << " / " << name;
  }
}

INSTANTIATE_TEST_SUITE_P(
    Table, DecodeUrlEncodedTest,
    ::testing::Values(
        DecodeCase{"a=1&b=2", {{"a", "1"}, {"b", "2"}}, 2}, DecodeCase{"a=x+y", {{"a", "x y"}}, 1},
        DecodeCase{"a=x%20y", {{"a", "x y"}}, 1},
        DecodeCase{"a=%2B15551234567", {{"a", "+15551234567"}}, 1},
        DecodeCase{"a=1;2;3", {{"a", "1;2;3"}}, 1},
        DecodeCase{"secret_id=1%3B2", {{"secret_id", "1;2"}}, 1},
        DecodeCase{"a=1;b=2", {{"a", "1;b=2"}}, 1}, DecodeCase{"flag", {{"flag", ""}}, 1},
        DecodeCase{"flag&a=1", {{"flag", ""}, {"a", "1"}}, 2}, DecodeCase{"a=", {{"a", ""}}, 1},
        DecodeCase{"=v", {{"", "v"}}, 1}, DecodeCase{"a=b=c", {{"a", "b=c"}}, 1},
        DecodeCase{"a=1&&b=2&", {{"a", "1"}, {"b", "2"}}, 2}, DecodeCase{"", {}, 0},
        DecodeCase{"&&&", {}, 0}, DecodeCase{"na%6De=v", {{"name", "v"}}, 1},
        DecodeCase{"a+b=1", {{"a b", "1"}}, 1},
        DecodeCase{"a=%C3%A9t%C3%A9", {{"a", "\xC3\xA9t\xC3\xA9"}}, 1},
        DecodeCase{"a=%ff", {{"a", "\xFF"}}, 1},  // bytes; UTF-8 is checked on use
        DecodeCase{"a=%25", {{"a", "%"}}, 1},
        DecodeCase{"a=%26&b=%3D", {{"a", "&"}, {"b", "="}}, 2},
        DecodeCase{"a=1&a=2", {{"a", "2"}}, 2}));

class DecodeUrlEncodedRejectTest : public ::testing::TestWithParam<std::string> {};

TEST_P(DecodeUrlEncodedRejectTest, BadEscapeIsBadRequest400) {
  Params params;
  try {
    DecodeUrlEncoded(GetParam(), ParamSource::kBody, params);
    FAIL() << "accepted '" << GetParam() << "'";
  } catch (const BadRequest& e) {
    EXPECT_EQ(e.http_status(), 400);
  }
}

INSTANTIATE_TEST_SUITE_P(Table, DecodeUrlEncodedRejectTest,
                         ::testing::Values("a=%", "a=%G1", "a=%1", "a=%1G", "%=1", "a%=1",
                                           "a=1&b=%zz", "a=100%"));

TEST(DecodeUrlEncodedTest, RecordsTheSource) {
  Params params;
  DecodeUrlEncoded("a=query", ParamSource::kQuery, params);
  DecodeUrlEncoded("a=body", ParamSource::kBody, params);
  DecodeUrlEncoded("a=query-again", ParamSource::kQuery, params);
  EXPECT_EQ(*params.Find("a"), "body");
}

}  // namespace
}  // namespace coffer::api
