#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace coffer::api {

// A header value of the form `value; name=token; name="quoted string"` (Content-Type,
// Content-Disposition). The leading value and parameter names are lower-cased; parameter values
// keep their case with quotes and backslash escapes removed.
struct HeaderValue {
  std::string value;
  std::vector<std::pair<std::string, std::string>> parameters;

  // The parameter's value, or nullopt.
  std::optional<std::string> Parameter(std::string_view name) const;
};

// Parses leniently: whitespace around tokens is ignored and a parameter without '=' is skipped.
// nullopt only for an unterminated quoted string.
std::optional<HeaderValue> ParseHeaderValue(std::string_view text);

}  // namespace coffer::api
