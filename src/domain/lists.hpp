#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace coffer::domain {

// A parsed `intlist` (SPEC 1.4): ids >= 1 separated by ';', or the literal `all`.
struct IdList {
  bool all = false;
  std::vector<int64_t> ids;  // empty when `all`
};

// nullopt when malformed: an empty element, a non-integer, an id < 1, or `all` when not
// allowed or mixed with ids.
std::optional<IdList> ParseIdList(std::string_view text, bool allow_all);

// Splits a `stringlist` on ';'. nullopt when any element is empty.
std::optional<std::vector<std::string>> ParseStringList(std::string_view text);

}  // namespace coffer::domain
