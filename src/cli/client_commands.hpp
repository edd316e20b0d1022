#pragma once

#include <boost/json/value.hpp>
#include <iosfwd>
#include <string>

#include "cli/options.hpp"

namespace coffer::cli {

// `coffer call` and its shorthands (SPEC 17): makes the call with a token signed from the
// credentials file, trusting the data directory's certificate and `ca_file` besides the system's,
// and prints the JSON answer to `out`, indented when `pretty`. Returns 0, or 1 on an error answer
// (its message and code also go to `err`). Throws std::runtime_error when the call cannot be
// made (no credentials, unreachable server, failed verification).
int RunClient(const ClientOptions& options, std::ostream& out, std::ostream& err, bool pretty);

// `value` as JSON, two spaces per level, one member or element per line.
std::string PrettyJson(const boost::json::value& value);

}  // namespace coffer::cli
