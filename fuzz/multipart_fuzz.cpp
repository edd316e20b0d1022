// Multipart bodies: any input either decodes or throws BadRequest; nothing else.
#include <cstdint>
#include <string_view>

#include "api/errors.hpp"
#include "api/multipart.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  // The first line is the boundary, the rest the body.
  const auto newline = input.find('\n');
  const std::string_view boundary = input.substr(0, newline);
  const std::string_view body = newline == std::string_view::npos ? "" : input.substr(newline + 1);
  coffer::api::Params params(1000);
  try {
    coffer::api::DecodeMultipart(body, boundary, params);
  } catch (const coffer::api::BadRequest&) {
  }
  return 0;
}
