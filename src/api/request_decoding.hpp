#pragma once

#include <cstddef>
#include <string>

#include "api/params.hpp"
#include "common/http_message.hpp"

namespace coffer::api {

// The path of a request and every parameter it carries, from the query string and the body.
struct DecodedRequest {
  std::string path;
  Params params;
};

// Splits the target and decodes the query and the body by its Content-Type (SPEC 1.3).
// Throws BadRequest: 400 for undecodable input, 413 past `max_params` parameters.
DecodedRequest DecodeRequest(const common::HttpRequest& request, std::size_t max_params);

}  // namespace coffer::api
