#pragma once

#include "api/method_table.hpp"
#include "service/applications.hpp"
#include "service/key_value.hpp"

namespace coffer::api {

// Registers SetKeyValueItem, GetKeyValueItem, DelKeyValueItem, GetKeyValueItems and
// GetKeyValueKeys (SPEC 6). Both services must outlive `table`.
void RegisterKeyValueMethods(MethodTable& table, const service::Applications& applications,
                             service::KeyValue& key_value);

}  // namespace coffer::api
