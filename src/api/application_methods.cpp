#include "api/application_methods.hpp"

#include "common/api_error.hpp"
#include "common/strings.hpp"
#include "common/timestamp.hpp"
#include "domain/roles.hpp"

namespace coffer::api {

namespace json = boost::json;

namespace {

json::object ApplicationJson(const service::Applications& applications,
                             const service::AccountRef& account,
                             const store::Application& application) {
  return json::object{{"application_id", application.id},
                      {"application_name", applications.FullName(account, application)},
                      {"modified", common::FormatTimestamp(application.modified)},
                      {"secure_record_storage", application.secure_record_storage}};
}

json::object AddApplication(service::Applications& applications, const MethodCall& call) {
  const auto account = AccountOf(call.principal);
  const std::string name = call.params.Required("application_name");
  applications.CheckNewName(account, name);
  const bool secure = call.params.OptionalBool("secure_record_storage").value_or(false);
  const auto created = applications.Add(account, name, secure);
  return json::object{{"result", 1},
                      {"application_id", created.id},
                      {"application_name", applications.FullName(account, created)},
                      {"secure_record_storage", created.secure_record_storage}};
}

json::object GetApplications(const service::Applications& applications, const MethodCall& call) {
  const auto account = AccountOf(call.principal);
  std::optional<int64_t> id;
  if (const auto id_text = call.params.Optional("application_id")) {
    id = common::ParseStrictInt64(*id_text);
    if (!id || *id < 0) throw common::ApiError(common::ErrorCode::kInvalidApplicationId);
    if (*id == 0) id.reset();
  }
  const auto name_part = call.params.Optional("application_name");
  const int64_t count = call.params.IntInRange("count", 20, 1, 1000);
  const int64_t offset = call.params.IntInRange("offset", 0, 0, INT64_MAX);
  call.params.OptionalBool("with_rules");
  call.params.OptionalBool("with_scenarios");

  const auto page = applications.List(account, id, name_part, count, offset);
  json::array result;
  for (const auto& application : page.items) {
    result.push_back(ApplicationJson(applications, account, application));
  }
  const auto returned = static_cast<int64_t>(result.size());
  return json::object{{"result", std::move(result)},
                      {"total_count", page.total_count},
                      {"count", returned}};
}

json::object SetApplicationInfo(service::Applications& applications, const MethodCall& call) {
  const auto account = AccountOf(call.principal);
  auto application = applications.Resolve(account, call.params.Optional("application_id"),
                                           call.params.Optional("required_application_name"),
                                           "application_id", "required_application_name");
  const auto new_name = call.params.Optional("application_name");
  if (new_name) applications.CheckNewName(account, *new_name);
  const auto secure = call.params.OptionalBool("secure_record_storage");
  application = applications.Update(account, application, new_name, secure);
  return json::object{{"result", 1},
                      {"application_name", applications.FullName(account, application)},
                      {"secure_record_storage", application.secure_record_storage}};
}

json::object DelApplication(service::Applications& applications, const MethodCall& call) {
  applications.Delete(AccountOf(call.principal), call.params.OptionalList("application_id"),
                      call.params.OptionalList("application_name"));
  return json::object{{"result", 1}};
}

}  // namespace

service::AccountRef AccountOf(const auth::Principal& principal) {
  return service::AccountRef{principal.account_id, principal.account_name};
}

int64_t ResolveApplicationId(const service::Applications& applications, const MethodCall& call) {
  return applications
      .Resolve(AccountOf(call.principal), call.params.Optional("application_id"),
               call.params.Optional("application_name"))
      .id;
}

void RegisterApplicationMethods(MethodTable& table, service::Applications& applications) {
  const auto roles = domain::DataManagementRoles();
  table.Add("AddApplication", {roles, [&](const MethodCall& c) { return AddApplication(applications, c); }});
  table.Add("GetApplications", {roles, [&](const MethodCall& c) { return GetApplications(applications, c); }});
  table.Add("SetApplicationInfo",
            {roles, [&](const MethodCall& c) { return SetApplicationInfo(applications, c); }});
  table.Add("DelApplication", {roles, [&](const MethodCall& c) { return DelApplication(applications, c); }});
}

}  // namespace coffer::api
