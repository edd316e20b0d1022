#include "api/method_table.hpp"

#include <stdexcept>

namespace coffer::api {

void MethodTable::Add(std::string name, MethodSpec spec) {
  if (!methods_.emplace(name, std::move(spec)).second) {
    throw std::logic_error("method registered twice: " + name);
  }
}

const MethodSpec* MethodTable::Find(std::string_view name) const {
  const auto it = methods_.find(name);
  return it == methods_.end() ? nullptr : &it->second;
}

}  // namespace coffer::api
