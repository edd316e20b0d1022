#include "common/api_error.hpp"

namespace coffer::common {

ApiError::ApiError(ErrorCode code, std::string param, int64_t min, int64_t max)
    : std::runtime_error("api error " + std::to_string(static_cast<int>(code))),
      code_(code),
      param_(std::move(param)),
      min_(min),
      max_(max) {}

}  // namespace coffer::common
