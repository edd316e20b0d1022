#include "api/errors.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <string>

namespace coffer::api {
namespace {

using common::ApiError;
using common::ErrorCode;
namespace json = boost::json;

TEST(ErrorMessageTest, FixedTexts) {
  const std::pair<ErrorCode, const char*> table[] = {
      {ErrorCode::kFatal, "Fatal error."},
      {ErrorCode::kDbError, "DB error."},
      {ErrorCode::kAuthorizationFailed, "Authorization failed."},
      {ErrorCode::kInvalidArguments, "Invalid arguments."},
      {ErrorCode::kCmdMissing, "'cmd' parameter is missed."},
      {ErrorCode::kUnknownCommand, "Unknown command."},
      {ErrorCode::kForbidden, "Forbidden command."},
      {ErrorCode::kInvalidApplicationName, "Invalid application name."},
      {ErrorCode::kApplicationLimit, "Exceeded the application number limit per account."},
      {ErrorCode::kInvalidApplicationId, "The 'application_id' parameter is invalid."},
      {ErrorCode::kApplicationNameNotUnique, "Application name is not unique."},
      {ErrorCode::kRateLimit, "Rate limit exceed."},
      {ErrorCode::kInvalidTokenFormat, "Invalid token format."},
      {ErrorCode::kTokenTtlTooLong, "The token TTL exceeds the maximum limit."},
      {ErrorCode::kTokenFromFuture, "Token issued in the future."},
      {ErrorCode::kTokenExpired, "The token has expired."},
      {ErrorCode::kOnlyOneOfTtlExpiresAt,
       "Specify only one of the following parameters: ttl, expires_at"},
      {ErrorCode::kApplicationNotFound, "Application is not found."},
  };
  for (const auto& [code, text] : table) {
    EXPECT_EQ(ErrorMessage(ApiError(code)), text) << static_cast<int>(code);
  }
}

TEST(ErrorMessageTest, Placeholders) {
  EXPECT_EQ(ErrorMessage(ApiError(ErrorCode::kTooLong, "key", 0, 200)),
            "The 'key' parameter length should not exceed 200 symbols.");
  EXPECT_EQ(ErrorMessage(ApiError(ErrorCode::kTooLong, "secret_value", 0, 8192)),
            "The 'secret_value' parameter length should not exceed 8192 symbols.");
  EXPECT_EQ(ErrorMessage(ApiError(ErrorCode::kMissingParameter, "key")),
            "Specify the 'key' parameter.");
  EXPECT_EQ(
      ErrorMessage(ApiError(ErrorCode::kMissingParameter, "application_id' or 'application_name")),
      "Specify the 'application_id' or 'application_name' parameter.");
  EXPECT_EQ(ErrorMessage(ApiError(ErrorCode::kInvalidParameter, "key")),
            "The 'key' parameter is invalid.");
  EXPECT_EQ(ErrorMessage(ApiError(ErrorCode::kOutOfRange, "count", 1, 50)),
            "count should be in range of 1..50");
  EXPECT_EQ(ErrorMessage(ApiError(ErrorCode::kOutOfRange, "ttl", 0, 7776000)),
            "ttl should be in range of 0..7776000");
  EXPECT_EQ(ErrorMessage(ApiError(ErrorCode::kNotUnique, "secret_name")),
            "The 'secret_name' is not unique.");
}

TEST(RenderErrorTest, MatchesTheLiveAnswerExactly) {
  EXPECT_EQ(RenderError(ApiError(ErrorCode::kCmdMissing)),
            R"({"error":{"msg":"'cmd' parameter is missed.","code":102},)"
            R"("errors":[{"msg":"'cmd' parameter is missed.","code":102}]})");
}

TEST(RenderErrorTest, ErrorAndErrorsCarryTheSameObject) {
  const json::value body =
      json::parse(RenderError(ApiError(ErrorCode::kOutOfRange, "count", 1, 1000)));
  const json::object& error = body.at("error").as_object();
  EXPECT_EQ(error.at("code").as_int64(), 497);
  EXPECT_EQ(error.at("msg").as_string(), "count should be in range of 1..1000");
  ASSERT_EQ(body.at("errors").as_array().size(), 1u);
  EXPECT_EQ(body.at("errors").as_array()[0], body.at("error"));
  EXPECT_EQ(body.as_object().size(), 2u);
  EXPECT_EQ(error.begin()->key(), "msg");  // member order as the live answer
}

TEST(RenderErrorTest, EscapesParameterNames) {
  const std::string rendered =
      RenderError(ApiError(ErrorCode::kInvalidParameter, "we\"ird\\name\n\xC3\xA9"));
  const json::value body = json::parse(rendered);
  EXPECT_EQ(body.at("error").at("msg").as_string(),
            "The 'we\"ird\\name\n\xC3\xA9' parameter is invalid.");
}

TEST(RenderSuccessTest, HasNoErrorsMember) {
  EXPECT_EQ(RenderSuccess(json::object{{"result", 1}}), R"({"result":1})");
  const json::value body = json::parse(
      RenderSuccess(json::object{{"result", json::array{}}, {"count", 0}, {"total_count", 0}}));
  EXPECT_FALSE(body.as_object().contains("errors"));
  EXPECT_FALSE(body.as_object().contains("error"));
  EXPECT_EQ(body.at("total_count").as_int64(), 0);
}

}  // namespace
}  // namespace coffer::api
