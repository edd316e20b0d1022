#pragma once

#include "api/method_table.hpp"
#include "service/applications.hpp"

namespace coffer::api {

// The account a principal acts for, as the services expect it.
service::AccountRef AccountOf(const auth::Principal& principal);

// Registers AddApplication, GetApplications, SetApplicationInfo and DelApplication (SPEC 8).
// `applications` must outlive `table`.
void RegisterApplicationMethods(MethodTable& table, service::Applications& applications);

}  // namespace coffer::api
