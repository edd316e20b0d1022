#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "api/method_table.hpp"
#include "common/api_error.hpp"
#include "service/applications.hpp"
#include "store/outcome.hpp"

namespace coffer::api {

// The account a principal acts for, as the services expect it.
service::AccountRef AccountOf(const auth::Principal& principal);

// SPEC 4.2: the application `id_text` names when present and not 0 (116 when malformed or not
// the account's), else the one `name` names, short or full (558), else 485 naming `id_param`
// and `name_param`. Throws common::ApiError.
store::Application ResolveApplication(const service::Applications& applications,
                                      const service::AccountRef& account,
                                      const std::optional<std::string>& id_text,
                                      const std::optional<std::string>& name,
                                      std::string_view id_param = "application_id",
                                      std::string_view name_param = "application_name");

// The application a key-value or secrets call names by `application_id` or
// `application_name`; noted in the call's record.
int64_t ResolveApplicationId(const service::Applications& applications, const MethodCall& call);

// What a call answers when its application was deleted after it was resolved, as if it had
// come after the deletion: 116 when it named the application by a non-zero `application_id`,
// else 558.
common::ApiError ApplicationGoneError(const MethodCall& call);

// Throws for an outcome the method did not map itself: ApplicationGoneError for
// kApplicationGone; any other is a bug (std::logic_error, answered as a fatal error).
[[noreturn]] void FailOutcome(store::Outcome outcome, const MethodCall& call);

// The value of a successful result; FailOutcome otherwise.
template <typename T>
T ValueOf(store::Result<T> result, const MethodCall& call) {
  if (!result.ok()) FailOutcome(result.outcome(), call);
  return std::move(result).value();
}

}  // namespace coffer::api
