#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>

namespace coffer::common {

// The protocol's error codes (SPEC 5.1). Messages live in one table in api/errors.cpp.
enum class ErrorCode : int {
  kFatal = 1,
  kDbError = 4,
  kAuthorizationFailed = 100,
  kInvalidArguments = 101,
  kCmdMissing = 102,
  kUnknownCommand = 103,
  kForbidden = 104,
  kInvalidApplicationName = 107,
  kApplicationLimit = 108,
  kInvalidApplicationId = 116,
  kApplicationNameNotUnique = 129,
  kRateLimit = 340,
  kInvalidTokenFormat = 447,
  kTokenTtlTooLong = 454,
  kTokenFromFuture = 455,
  kTokenExpired = 456,
  kOnlyOneOfTtlExpiresAt = 458,
  kTooLong = 477,
  kMissingParameter = 485,
  kNotUnique = 493,
  kInvalidParameter = 496,
  kOutOfRange = 497,
  kApplicationNotFound = 558,
};

// An expected failure that ends a request with one protocol error. `param` fills the message's
// parameter placeholder; `min`/`max` fill the length (477) and range (497) placeholders.
class ApiError : public std::runtime_error {
 public:
  explicit ApiError(ErrorCode code, std::string param = {}, int64_t min = 0, int64_t max = 0);

  ErrorCode code() const { return code_; }
  const std::string& param() const { return param_; }
  int64_t min() const { return min_; }
  int64_t max() const { return max_; }

 private:
  ErrorCode code_;
  std::string param_;
  int64_t min_;
  int64_t max_;
};

}  // namespace coffer::common
