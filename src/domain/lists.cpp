#include "domain/lists.hpp"

#include "common/strings.hpp"

namespace coffer::domain {

std::optional<IdList> ParseIdList(std::string_view text, bool allow_all) {
  if (text == "all") {
    if (!allow_all) return std::nullopt;
    return IdList{true, {}};
  }
  IdList list;
  for (const auto element : common::Split(text, ';')) {
    const auto id = common::ParseStrictInt64(element);
    if (!id || *id < 1) return std::nullopt;
    list.ids.push_back(*id);
  }
  return list;
}

std::optional<std::vector<std::string>> ParseStringList(std::string_view text) {
  std::vector<std::string> elements;
  for (const auto element : common::Split(text, ';')) {
    if (element.empty()) return std::nullopt;
    elements.emplace_back(element);
  }
  return elements;
}

}  // namespace coffer::domain
