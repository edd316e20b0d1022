#include "common/api_error.hpp"

#include <gtest/gtest.h>

namespace coffer::common {
namespace {

TEST(ApiErrorTest, CarriesCodeParameterAndRange) {
  const ApiError error(ErrorCode::kOutOfRange, "count", 1, 50);
  EXPECT_EQ(error.code(), ErrorCode::kOutOfRange);
  EXPECT_EQ(error.param(), "count");
  EXPECT_EQ(error.min(), 1);
  EXPECT_EQ(error.max(), 50);
}

TEST(ApiErrorTest, DefaultsAreEmpty) {
  const ApiError error(ErrorCode::kAuthorizationFailed);
  EXPECT_EQ(static_cast<int>(error.code()), 100);
  EXPECT_EQ(error.param(), "");
  EXPECT_EQ(error.min(), 0);
  EXPECT_EQ(error.max(), 0);
}

TEST(ApiErrorTest, IsARuntimeError) {
  try {
    throw ApiError(ErrorCode::kMissingParameter, "key");
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()), "");
    return;
  }
  FAIL() << "ApiError was not caught as std::runtime_error";
}

TEST(ErrorCodeTest, NumericValuesMatchTheSpec) {
  const std::pair<ErrorCode, int> table[] = {
      {ErrorCode::kFatal, 1},
      {ErrorCode::kDbError, 4},
      {ErrorCode::kAuthorizationFailed, 100},
      {ErrorCode::kInvalidArguments, 101},
      {ErrorCode::kCmdMissing, 102},
      {ErrorCode::kUnknownCommand, 103},
      {ErrorCode::kForbidden, 104},
      {ErrorCode::kInvalidApplicationName, 107},
      {ErrorCode::kApplicationLimit, 108},
      {ErrorCode::kInvalidApplicationId, 116},
      {ErrorCode::kApplicationNameNotUnique, 129},
      {ErrorCode::kRateLimit, 340},
      {ErrorCode::kInvalidTokenFormat, 447},
      {ErrorCode::kTokenTtlTooLong, 454},
      {ErrorCode::kTokenFromFuture, 455},
      {ErrorCode::kTokenExpired, 456},
      {ErrorCode::kOnlyOneOfTtlExpiresAt, 458},
      {ErrorCode::kTooLong, 477},
      {ErrorCode::kMissingParameter, 485},
      {ErrorCode::kNotUnique, 493},
      {ErrorCode::kInvalidParameter, 496},
      {ErrorCode::kOutOfRange, 497},
      {ErrorCode::kApplicationNotFound, 558},
  };
  for (const auto& [code, number] : table) EXPECT_EQ(static_cast<int>(code), number);
}

}  // namespace
}  // namespace coffer::common
