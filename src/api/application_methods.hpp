#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "api/method_table.hpp"
#include "service/applications.hpp"

namespace coffer::api {

// AddApplication's effect (SPEC 8.1), shared with `coffer app create`: `name` short or full
// (107), unique in the account (129), within the account's limit (108). Throws
// common::ApiError.
store::Application AddApplication(service::Applications& applications,
                                  const service::AccountRef& account, std::string_view name,
                                  bool secure_record_storage);

// DelApplication's effect (SPEC 8.4): the union of an intlist-or-`all` of ids (116) and a list
// of names (558; an empty element 496), all or nothing; 485 when both are absent. Throws
// common::ApiError.
void DeleteApplications(service::Applications& applications, const service::AccountRef& account,
                        const std::optional<std::string>& ids_text,
                        const std::optional<std::string>& names_text);

// Registers AddApplication, GetApplications, SetApplicationInfo and DelApplication (SPEC 8).
// `applications` must outlive `table`.
void RegisterApplicationMethods(MethodTable& table, service::Applications& applications);

}  // namespace coffer::api
