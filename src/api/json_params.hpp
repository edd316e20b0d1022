#pragma once

#include <string_view>

#include "api/params.hpp"

namespace coffer::api {

// Adds the members of an `application/json` body to `params` (SPEC 1.3): strings as they are,
// numbers as decimal text, booleans as `true`/`false`, arrays of scalars joined with ';', null
// as absent. An empty body is `{}`. Throws BadRequest (400) for anything that is not a JSON
// object of such members.
void DecodeJsonBody(std::string_view body, Params& params);

}  // namespace coffer::api
