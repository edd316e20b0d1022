#include "api/errors.hpp"

#include <boost/json/serialize.hpp>

#include "api/wiping_json.hpp"

namespace coffer::api {

using common::ErrorCode;

std::string ErrorMessage(const common::ApiError& error) {
  const std::string& p = error.param();
  switch (error.code()) {
    case ErrorCode::kFatal:
      return "Fatal error.";
    case ErrorCode::kDbError:
      return "DB error.";
    case ErrorCode::kAuthorizationFailed:
      return "Authorization failed.";
    case ErrorCode::kInvalidArguments:
      return "Invalid arguments.";
    case ErrorCode::kCmdMissing:
      return "'cmd' parameter is missed.";
    case ErrorCode::kUnknownCommand:
      return "Unknown command.";
    case ErrorCode::kForbidden:
      return "Forbidden command.";
    case ErrorCode::kInvalidApplicationName:
      return "Invalid application name.";
    case ErrorCode::kApplicationLimit:
      return "Exceeded the application number limit per account.";
    case ErrorCode::kInvalidApplicationId:
      return "The 'application_id' parameter is invalid.";
    case ErrorCode::kApplicationNameNotUnique:
      return "Application name is not unique.";
    case ErrorCode::kRateLimit:
      return "Rate limit exceed.";
    case ErrorCode::kInvalidTokenFormat:
      return "Invalid token format.";
    case ErrorCode::kTokenTtlTooLong:
      return "The token TTL exceeds the maximum limit.";
    case ErrorCode::kTokenFromFuture:
      return "Token issued in the future.";
    case ErrorCode::kTokenExpired:
      return "The token has expired.";
    case ErrorCode::kOnlyOneOfTtlExpiresAt:
      return "Specify only one of the following parameters: ttl, expires_at";
    case ErrorCode::kTooLong:
      return "The '" + p + "' parameter length should not exceed " + std::to_string(error.max()) +
             " symbols.";
    case ErrorCode::kMissingParameter:
      return "Specify the '" + p + "' parameter.";
    case ErrorCode::kNotUnique:
      return "The '" + p + "' is not unique.";
    case ErrorCode::kInvalidParameter:
      return "The '" + p + "' parameter is invalid.";
    case ErrorCode::kOutOfRange:
      return p + " should be in range of " + std::to_string(error.min()) + ".." +
             std::to_string(error.max());
    case ErrorCode::kApplicationNotFound:
      return "Application is not found.";
  }
  return "Fatal error.";
}

namespace {

std::string RenderEnvelope(std::string_view message, int code) {
  boost::json::object detail;
  detail["msg"] = message;
  detail["code"] = code;
  boost::json::object body;
  body["error"] = detail;
  body["errors"] = boost::json::array{detail};
  return boost::json::serialize(body);
}

}  // namespace

std::string RenderError(const common::ApiError& error) {
  return RenderEnvelope(ErrorMessage(error), static_cast<int>(error.code()));
}

std::string RenderUnavailable() {
  return RenderEnvelope("Service temporarily unavailable.", static_cast<int>(ErrorCode::kFatal));
}

std::string RenderSuccess(const boost::json::object& members) {
  // GetSecretValue's answer carries a secret value.
  return SerializeWiping(members);
}

}  // namespace coffer::api
