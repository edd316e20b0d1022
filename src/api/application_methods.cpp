#include "api/application_methods.hpp"

#include <stdexcept>

#include "api/application_resolver.hpp"
#include "common/api_error.hpp"
#include "common/strings.hpp"
#include "common/timestamp.hpp"
#include "domain/lists.hpp"
#include "domain/roles.hpp"

namespace coffer::api {

namespace json = boost::json;
using common::ApiError;
using common::ErrorCode;
using store::Outcome;

namespace {

json::object ApplicationJson(const service::Applications& applications,
                             const service::AccountRef& account,
                             const store::Application& application) {
  return json::object{{"application_id", application.id},
                      {"application_name", applications.FullName(account, application)},
                      {"modified", common::FormatTimestamp(application.modified)},
                      {"secure_record_storage", application.secure_record_storage}};
}

// The short name a new or renamed application gets from `name`; 107 when malformed.
std::string NewShortName(const service::Applications& applications,
                         const service::AccountRef& account, std::string_view name) {
  auto short_name = applications.CheckNewName(account, name);
  if (!short_name) throw ApiError(ErrorCode::kInvalidApplicationName);
  return std::move(*short_name);
}

json::object AddApplicationMethod(service::Applications& applications, const MethodCall& call) {
  const auto account = AccountOf(call.principal);
  const std::string name = call.params.Required("application_name");
  NewShortName(applications, account, name);  // the name is checked before the flag
  const bool secure = call.params.OptionalBool("secure_record_storage").value_or(false);
  const auto created = AddApplication(applications, account, name, secure);
  if (call.record != nullptr) call.record->application_id = created.id;
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
    if (!id || *id < 0) throw ApiError(ErrorCode::kInvalidApplicationId);
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
  return json::object{
      {"result", std::move(result)}, {"total_count", page.total_count}, {"count", returned}};
}

json::object SetApplicationInfo(service::Applications& applications, const MethodCall& call) {
  const auto account = AccountOf(call.principal);
  const auto application =
      ResolveApplication(applications, account, call.params.Optional("application_id"),
                         call.params.Optional("required_application_name"), "application_id",
                         "required_application_name");
  if (call.record != nullptr) call.record->application_id = application.id;
  std::optional<std::string> new_short_name;
  if (const auto new_name = call.params.Optional("application_name")) {
    new_short_name = NewShortName(applications, account, *new_name);
  }
  const auto secure = call.params.OptionalBool("secure_record_storage");
  auto updated = applications.Update(account, application, new_short_name, secure);
  if (updated.outcome() == Outcome::kConflict) {
    throw ApiError(ErrorCode::kApplicationNameNotUnique);
  }
  const auto result = ValueOf(std::move(updated), call);
  return json::object{{"result", 1},
                      {"application_name", applications.FullName(account, result)},
                      {"secure_record_storage", result.secure_record_storage}};
}

json::object DelApplication(service::Applications& applications, const MethodCall& call) {
  DeleteApplications(applications, AccountOf(call.principal),
                     call.params.OptionalList("application_id"),
                     call.params.OptionalList("application_name"));
  return json::object{{"result", 1}};
}

}  // namespace

store::Application AddApplication(service::Applications& applications,
                                  const service::AccountRef& account, std::string_view name,
                                  bool secure_record_storage) {
  auto added =
      applications.Add(account, NewShortName(applications, account, name), secure_record_storage);
  switch (added.outcome()) {
    case Outcome::kOk:
      return std::move(added).value();
    case Outcome::kConflict:
      throw ApiError(ErrorCode::kApplicationNameNotUnique);
    case Outcome::kLimitExceeded:
      throw ApiError(ErrorCode::kApplicationLimit);
    default:
      throw std::logic_error("unexpected outcome of adding an application");
  }
}

void DeleteApplications(service::Applications& applications, const service::AccountRef& account,
                        const std::optional<std::string>& ids_text,
                        const std::optional<std::string>& names_text) {
  if (!ids_text && !names_text) {
    throw ApiError(ErrorCode::kMissingParameter, "application_id' or 'application_name");
  }
  service::ApplicationsToDelete which;
  if (ids_text) {
    auto list = domain::ParseIdList(*ids_text, true);
    if (!list) throw ApiError(ErrorCode::kInvalidApplicationId);
    which.all = list->all;
    which.ids = std::move(list->ids);
  }
  if (names_text) {
    auto names = domain::ParseStringList(*names_text);
    if (!names) throw ApiError(ErrorCode::kInvalidParameter, "application_name");
    which.names = std::move(*names);
  }
  const auto deleted = applications.Delete(account, which);
  if (deleted.outcome == Outcome::kOk) return;
  if (deleted.outcome != Outcome::kNotFound) {
    throw std::logic_error("unexpected outcome of deleting applications");
  }
  throw ApiError(deleted.missing_in == store::SelectionList::kIds
                     ? ErrorCode::kInvalidApplicationId
                     : ErrorCode::kApplicationNotFound);
}

void RegisterApplicationMethods(MethodTable& table, service::Applications& applications) {
  const auto roles = domain::DataManagementRoles();
  // The changes are audited (SPEC 16); the listing is not.
  const auto change = [&](std::string name, auto method) {
    table.Add(
        std::move(name),
        {roles, [&applications, method](const MethodCall& c) { return method(applications, c); },
         false, nullptr, /*audited=*/true});
  };
  change("AddApplication", AddApplicationMethod);
  table.Add("GetApplications",
            {roles, [&](const MethodCall& c) { return GetApplications(applications, c); }});
  change("SetApplicationInfo", SetApplicationInfo);
  change("DelApplication", DelApplication);
}

}  // namespace coffer::api
