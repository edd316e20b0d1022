#include "api/params.hpp"

#include <gtest/gtest.h>

#include <string>

#include "api/errors.hpp"

namespace coffer::api {
namespace {

constexpr ParamSource kQuery = ParamSource::kQuery;
constexpr ParamSource kBody = ParamSource::kBody;

TEST(ParamsTest, AbsentIsNull) {
  Params params;
  EXPECT_EQ(params.Find("a"), nullptr);
  EXPECT_EQ(params.FindJoined("a"), std::nullopt);
  EXPECT_EQ(params.size(), 0u);
}

TEST(ParamsTest, NamesAreCaseSensitive) {
  Params params;
  params.Add(kQuery, "Key", "upper");
  EXPECT_EQ(params.Find("key"), nullptr);
  EXPECT_EQ(*params.Find("Key"), "upper");
}

TEST(ParamsTest, BodyWinsOverQueryWhateverTheOrder) {
  Params body_last;
  body_last.Add(kQuery, "a", "query");
  body_last.Add(kBody, "a", "body");
  EXPECT_EQ(*body_last.Find("a"), "body");

  Params body_first;
  body_first.Add(kBody, "a", "body");
  body_first.Add(kQuery, "a", "query");
  EXPECT_EQ(*body_first.Find("a"), "body");
}

TEST(ParamsTest, LastOccurrenceWinsWithinASource) {
  Params params;
  params.Add(kQuery, "a", "q1");
  params.Add(kQuery, "a", "q2");
  EXPECT_EQ(*params.Find("a"), "q2");
  params.Add(kBody, "a", "b1");
  params.Add(kQuery, "a", "q3");
  params.Add(kBody, "a", "b2");
  params.Add(kQuery, "a", "q4");
  EXPECT_EQ(*params.Find("a"), "b2");
}

TEST(ParamsTest, AnEmptyBodyValueStillWins) {
  Params params;
  params.Add(kQuery, "a", "query");
  params.Add(kBody, "a", "");
  EXPECT_EQ(*params.Find("a"), "");
}

TEST(ParamsTest, FindJoinedJoinsTheWinningSourceOnly) {
  Params params;
  params.Add(kQuery, "id", "1");
  params.Add(kQuery, "id", "2;3");
  EXPECT_EQ(params.FindJoined("id"), "1;2;3");
  params.Add(kBody, "id", "7");
  params.Add(kBody, "other", "x");
  params.Add(kBody, "id", "8");
  EXPECT_EQ(params.FindJoined("id"), "7;8");
  EXPECT_EQ(params.FindJoined("other"), "x");
}

TEST(ParamsTest, FindJoinedSkipsEmptyValues) {
  Params params;
  params.Add(kQuery, "id", "");
  params.Add(kQuery, "id", "1");
  params.Add(kQuery, "id", "");
  params.Add(kQuery, "id", "2");
  EXPECT_EQ(params.FindJoined("id"), "1;2");

  Params only_empty;
  only_empty.Add(kQuery, "id", "");
  only_empty.Add(kQuery, "id", "");
  EXPECT_EQ(only_empty.FindJoined("id"), std::nullopt);  // empty = absent
}

TEST(ParamsTest, WipeZeroesNamesAndValues) {
  Params params;
  params.Add(kBody, "secret_value", "hunter2");
  params.Wipe();
  EXPECT_EQ(params.size(), 1u);
  EXPECT_EQ(params.Find("secret_value"), nullptr);  // the name is zeroed too
  EXPECT_NE(params.Find(std::string(12, '\0')), nullptr);
  EXPECT_EQ(*params.Find(std::string(12, '\0')), std::string(7, '\0'));
}

TEST(ParamsTest, LimitIsBadRequest413) {
  Params params(3);
  params.Add(kQuery, "a", "1");
  params.Add(kQuery, "a", "2");
  params.Add(kBody, "b", "3");
  EXPECT_EQ(params.size(), 3u);
  try {
    params.Add(kBody, "c", "4");
    FAIL() << "a fourth parameter was accepted";
  } catch (const BadRequest& e) {
    EXPECT_EQ(e.http_status(), 413);
  }
  EXPECT_EQ(params.size(), 3u);
}

TEST(ParamsTest, DefaultLimitIs256) {
  Params params;
  for (int i = 0; i < 256; ++i) params.Add(kQuery, "p" + std::to_string(i), "v");
  EXPECT_THROW(params.Add(kQuery, "one-too-many", "v"), BadRequest);
}

}  // namespace
}  // namespace coffer::api
