#pragma once

#include "api/method_table.hpp"
#include "service/applications.hpp"

namespace coffer::api {

// The account a principal acts for, as the services expect it.
service::AccountRef AccountOf(const auth::Principal& principal);

// The application a key-value or secrets call names by `application_id` or
// `application_name` (SPEC 4.2: 485, 116, 558).
int64_t ResolveApplicationId(const service::Applications& applications, const MethodCall& call);

// Registers AddApplication, GetApplications, SetApplicationInfo and DelApplication (SPEC 8).
// `applications` must outlive `table`.
void RegisterApplicationMethods(MethodTable& table, service::Applications& applications);

}  // namespace coffer::api
