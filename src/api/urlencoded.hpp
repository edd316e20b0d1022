#pragma once

#include <string_view>

#include "api/params.hpp"

namespace coffer::api {

// Adds the pairs of an `application/x-www-form-urlencoded` text (a query string or a body) to
// `params`: split on '&' only (';' is data), name and value percent-decoded with '+' as a
// space, a pair without '=' has an empty value, empty segments are skipped. Throws BadRequest
// (400) on a malformed percent escape.
void DecodeUrlEncoded(std::string_view text, ParamSource source, Params& params);

}  // namespace coffer::api
