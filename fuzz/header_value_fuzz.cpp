// Content-Type and Content-Disposition header values.
#include <cstdint>
#include <string_view>

#include "api/media_type.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const auto parsed =
      coffer::api::ParseHeaderValue(std::string_view(reinterpret_cast<const char*>(data), size));
  if (parsed) (void)parsed->Parameter("boundary");
  return 0;
}
