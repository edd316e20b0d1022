#include "api/media_type.hpp"

#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

namespace coffer::api {
namespace {

using Parameters = std::vector<std::pair<std::string, std::string>>;

struct HeaderCase {
  std::string text;
  std::string value;
  Parameters parameters;
};

class ParseHeaderValueTest : public ::testing::TestWithParam<HeaderCase> {};

TEST_P(ParseHeaderValueTest, Parses) {
  const auto parsed = ParseHeaderValue(GetParam().text);
  ASSERT_TRUE(parsed) << GetParam().text;
  EXPECT_EQ(parsed->value, GetParam().value) << GetParam().text;
  EXPECT_EQ(parsed->parameters, GetParam().parameters) << GetParam().text;
}

INSTANTIATE_TEST_SUITE_P(
    Table, ParseHeaderValueTest,
    ::testing::Values(
        HeaderCase{"application/json", "application/json", {}}, HeaderCase{"", "", {}},
        HeaderCase{"Application/JSON; Charset=UTF-8", "application/json", {{"charset", "UTF-8"}}},
        HeaderCase{"multipart/form-data; boundary=----abcDEF123",
                   "multipart/form-data",
                   {{"boundary", "----abcDEF123"}}},
        HeaderCase{R"(multipart/form-data; boundary="a b;c")",
                   "multipart/form-data",
                   {{"boundary", "a b;c"}}},
        HeaderCase{R"(form-data; name="cmd"; filename="x.txt")",
                   "form-data",
                   {{"name", "cmd"}, {"filename", "x.txt"}}},
        HeaderCase{"form-data; name=cmd", "form-data", {{"name", "cmd"}}},
        HeaderCase{R"(form-data; name="a\"b\\c")", "form-data", {{"name", R"(a"b\c)"}}},
        HeaderCase{R"(form-data; name="")", "form-data", {{"name", ""}}},
        HeaderCase{"  text/plain  ;  charset = latin1  ", "text/plain", {{"charset", "latin1"}}},
        HeaderCase{
            "text/plain;;charset=x; junk ;q=1", "text/plain", {{"charset", "x"}, {"q", "1"}}},
        HeaderCase{"text/plain;\tcharset=ISO-8859-1", "text/plain", {{"charset", "ISO-8859-1"}}}));

TEST(ParseHeaderValueTest, UnterminatedQuotedStringFails) {
  EXPECT_EQ(ParseHeaderValue(R"(form-data; name="cmd)"), std::nullopt);
  EXPECT_EQ(ParseHeaderValue(R"(form-data; name="cmd\")"), std::nullopt);
}

TEST(HeaderValueTest, ParameterLookup) {
  const auto parsed = ParseHeaderValue(R"(form-data; NAME="cmd"; filename=f)");
  ASSERT_TRUE(parsed);
  EXPECT_EQ(parsed->Parameter("name"), "cmd");  // parameter names are lower-cased
  EXPECT_EQ(parsed->Parameter("filename"), "f");
  EXPECT_EQ(parsed->Parameter("charset"), std::nullopt);
}

}  // namespace
}  // namespace coffer::api
