#pragma once

#include <string_view>

#include "api/params.hpp"

namespace coffer::api {

// Adds the fields of a `multipart/form-data` body (RFC 7578) delimited by `boundary` to
// `params` as body parameters. A part counts when its Content-Disposition is `form-data` with
// a `name` (quoted or bare); `filename` changes nothing; a part declaring charset ISO-8859-1
// (or latin1) is converted to UTF-8. Throws BadRequest (400) when the body does not start with
// the boundary, a part's headers are unterminated, or the closing boundary is missing.
void DecodeMultipart(std::string_view body, std::string_view boundary, Params& params);

}  // namespace coffer::api
