#pragma once

#include "api/method_table.hpp"
#include "service/applications.hpp"
#include "service/secrets.hpp"

namespace coffer::api {

// Registers AddSecret, GetSecrets, GetSecretValue, SetSecretInfo and DelSecret (SPEC 7).
// Both services must outlive `table`.
void RegisterSecretMethods(MethodTable& table, const service::Applications& applications,
                           service::Secrets& secrets);

}  // namespace coffer::api
