// Bearer headers and compact JWS tokens: either parsed or refused with an ApiError.
#include <cstdint>
#include <string_view>

#include "auth/jwt.hpp"
#include "common/api_error.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const auto token = coffer::auth::BearerToken(input);
  try {
    coffer::auth::ParseJwt(token ? *token : input);
  } catch (const coffer::common::ApiError&) {
  }
  return 0;
}
