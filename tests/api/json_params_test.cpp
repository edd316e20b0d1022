#include "api/json_params.hpp"

#include <gtest/gtest.h>

#include <string>

#include "api/errors.hpp"

namespace coffer::api {
namespace {

// The value of `name` after decoding `body`, or "<absent>".
std::string Member(const std::string& body, const std::string& name) {
  Params params;
  DecodeJsonBody(body, params);
  const std::string* value = params.Find(name);
  return value ? *value : "<absent>";
}

TEST(DecodeJsonBodyTest, ScalarsBecomeText) {
  Params params;
  DecodeJsonBody(
      R"({"s":"text","i":12,"neg":-3,"big":12345678901234567890,"f":1.5,"t":true,"no":false})",
      params);
  EXPECT_EQ(params.size(), 7u);
  EXPECT_EQ(*params.Find("s"), "text");
  EXPECT_EQ(*params.Find("i"), "12");
  EXPECT_EQ(*params.Find("neg"), "-3");
  EXPECT_EQ(*params.Find("big"), "12345678901234567890");
  EXPECT_EQ(*params.Find("f"), "1.5");
  EXPECT_EQ(*params.Find("t"), "true");
  EXPECT_EQ(*params.Find("no"), "false");
}

TEST(DecodeJsonBodyTest, FloatsUseTheShortestText) {
  EXPECT_EQ(Member(R"({"x":0.1})", "x"), "0.1");
  EXPECT_EQ(Member(R"({"x":-2.25})", "x"), "-2.25");
  EXPECT_EQ(Member(R"({"x":1.5e0})", "x"), "1.5");
}

TEST(DecodeJsonBodyTest, StringsKeepTheirContent) {
  EXPECT_EQ(Member(R"({"x":"\u00e9\n\"q\""})", "x"), "\xC3\xA9\n\"q\"");
  EXPECT_EQ(Member(R"({"x":""})", "x"), "");
  EXPECT_EQ(Member(R"({"x":"007"})", "x"), "007");
  EXPECT_EQ(Member(R"({"x":"1;2"})", "x"), "1;2");
}

TEST(DecodeJsonBodyTest, ArraysOfScalarsAreJoinedWithSemicolons) {
  EXPECT_EQ(Member(R"({"secret_id":[1,2,3]})", "secret_id"), "1;2;3");
  EXPECT_EQ(Member(R"({"secret_name":["a","b"]})", "secret_name"), "a;b");
  EXPECT_EQ(Member(R"({"x":["one"]})", "x"), "one");
  EXPECT_EQ(Member(R"({"x":[true,1.5,"s"]})", "x"), "true;1.5;s");
}

TEST(DecodeJsonBodyTest, NullIsAbsent) {
  Params params;
  DecodeJsonBody(R"({"a":null,"b":"x"})", params);
  EXPECT_EQ(params.Find("a"), nullptr);
  EXPECT_EQ(*params.Find("b"), "x");
  EXPECT_EQ(params.size(), 1u);
}

TEST(DecodeJsonBodyTest, EmptyOrWhitespaceBodyIsAnEmptyObject) {
  for (const std::string body : {"", "   ", "\r\n\t ", "{}", " { } "}) {
    Params params;
    EXPECT_NO_THROW(DecodeJsonBody(body, params)) << "'" << body << "'";
    EXPECT_EQ(params.size(), 0u);
  }
}

TEST(DecodeJsonBodyTest, MembersAreBodyParameters) {
  Params params;
  params.Add(ParamSource::kQuery, "a", "from-query");
  DecodeJsonBody(R"({"a":"from-body"})", params);
  params.Add(ParamSource::kQuery, "a", "later-query");
  EXPECT_EQ(*params.Find("a"), "from-body");
}

class DecodeJsonBodyRejectTest : public ::testing::TestWithParam<std::string> {};

TEST_P(DecodeJsonBodyRejectTest, IsBadRequest400) {
  Params params;
  try {
    DecodeJsonBody(GetParam(), params);
    FAIL() << "accepted " << GetParam();
  } catch (const BadRequest& e) {
    EXPECT_EQ(e.http_status(), 400);
  }
}

INSTANTIATE_TEST_SUITE_P(Table, DecodeJsonBodyRejectTest,
                         ::testing::Values("[]", "[1,2]", R"("text")", "1", "null",
                                           "true",  // not an object
                                           R"({"a":{"b":1}})", R"({"a":[{"b":1}]})",
                                           R"({"a":[[1]]})",  // nested
                                           R"({"a":1)", "{a:1}", R"({"a":1,})", "{} x", "{}{}",
                                           R"({"a":'x'})", "nonsense"));

}  // namespace
}  // namespace coffer::api
