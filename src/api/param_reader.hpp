#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "api/params.hpp"

namespace coffer::api {

// Typed access to a request's parameters with the protocol's rules (SPEC 1.3, 1.4): an empty
// value is absent unless stated otherwise, every value read must be valid UTF-8 (else 496
// naming it), and type or range violations throw common::ApiError with the parameter's name.
class ParamReader {
 public:
  explicit ParamReader(const Params& params) : params_(params) {}

  // The value, or nullopt when absent or empty.
  std::optional<std::string> Optional(std::string_view name) const;
  // The value, possibly empty; nullopt only when not sent at all.
  std::optional<std::string> OptionalAllowEmpty(std::string_view name) const;
  // The value; 485 when absent or empty.
  std::string Required(std::string_view name) const;
  // List parameter: every occurrence of the winning source joined with ';'.
  std::optional<std::string> OptionalList(std::string_view name) const;

  // An integer (SPEC 1.4); 496 when malformed.
  std::optional<int64_t> OptionalInt(std::string_view name) const;
  // An integer defaulting to `fallback`; 497 outside min..max.
  int64_t IntInRange(std::string_view name, int64_t fallback, int64_t min, int64_t max) const;
  // `true`/`false`/`1`/`0` in any case; 496 otherwise.
  std::optional<bool> OptionalBool(std::string_view name) const;

  // Text length in characters, 477 past `max`.
  static void CheckLength(std::string_view name, std::string_view value, std::size_t max);

 private:
  const Params& params_;
};

}  // namespace coffer::api
