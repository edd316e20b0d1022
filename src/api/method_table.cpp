#include "api/method_table.hpp"

#include <stdexcept>

namespace coffer::api {

void MethodTable::Add(std::string name, MethodSpec spec) {
  const auto [it, added] = methods_.emplace(name, std::move(spec));
  if (!added) throw std::logic_error("method registered twice: " + name);
  it->second.name = it->first;  // map keys never move
}

std::vector<std::string_view> MethodTable::Names() const {
  std::vector<std::string_view> names;
  for (const auto& [name, spec] : methods_) names.push_back(name);
  return names;
}

const MethodSpec* MethodTable::Find(std::string_view name) const {
  const auto it = methods_.find(name);
  return it == methods_.end() ? nullptr : &it->second;
}

}  // namespace coffer::api
