// JSON request bodies.
#include <cstdint>
#include <string_view>

#include "api/errors.hpp"
#include "api/json_params.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  coffer::api::Params params(1000);
  try {
    coffer::api::DecodeJsonBody(std::string_view(reinterpret_cast<const char*>(data), size), params);
  } catch (const coffer::api::BadRequest&) {
  }
  return 0;
}
