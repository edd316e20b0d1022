#include "api/application_resolver.hpp"

#include <stdexcept>

#include "common/strings.hpp"

namespace coffer::api {

using common::ApiError;
using common::ErrorCode;

service::AccountRef AccountOf(const auth::Principal& principal) {
  return service::AccountRef{principal.account_id, principal.account_name};
}

store::Application ResolveApplication(const service::Applications& applications,
                                      const service::AccountRef& account,
                                      const std::optional<std::string>& id_text,
                                      const std::optional<std::string>& name,
                                      std::string_view id_param, std::string_view name_param) {
  if (id_text) {
    const auto id = common::ParseStrictInt64(*id_text);
    if (!id || *id < 0) throw ApiError(ErrorCode::kInvalidApplicationId);
    if (*id != 0) {
      auto application = applications.FindById(account, *id);
      if (!application) throw ApiError(ErrorCode::kInvalidApplicationId);
      return std::move(*application);
    }
  }
  if (name) {
    auto application = applications.FindByName(account, *name);
    if (!application) throw ApiError(ErrorCode::kApplicationNotFound);
    return std::move(*application);
  }
  // Fills the 485 template `Specify the '<p>' parameter.` with two names.
  throw ApiError(ErrorCode::kMissingParameter,
                 std::string(id_param) + "' or '" + std::string(name_param));
}

int64_t ResolveApplicationId(const service::Applications& applications, const MethodCall& call) {
  const int64_t id = ResolveApplication(applications, AccountOf(call.principal),
                                        call.params.Optional("application_id"),
                                        call.params.Optional("application_name"))
                         .id;
  if (call.record != nullptr) call.record->application_id = id;
  return id;
}

ApiError ApplicationGoneError(const MethodCall& call) {
  const auto id_text = call.params.Optional("application_id");
  const auto id = id_text ? common::ParseStrictInt64(*id_text) : std::nullopt;
  return ApiError(id && *id != 0 ? ErrorCode::kInvalidApplicationId
                                 : ErrorCode::kApplicationNotFound);
}

void FailOutcome(store::Outcome outcome, const MethodCall& call) {
  if (outcome == store::Outcome::kApplicationGone) throw ApplicationGoneError(call);
  throw std::logic_error("unexpected store outcome " + std::to_string(static_cast<int>(outcome)));
}

}  // namespace coffer::api
