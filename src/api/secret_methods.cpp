#include "api/secret_methods.hpp"

#include "api/application_resolver.hpp"
#include "api/wiping_json.hpp"
#include "common/api_error.hpp"
#include "common/strings.hpp"
#include "common/timestamp.hpp"
#include "common/utf8.hpp"
#include "domain/lists.hpp"
#include "domain/roles.hpp"
#include "domain/secret_rules.hpp"

namespace coffer::api {

namespace json = boost::json;
using common::ApiError;
using common::ErrorCode;
using common::SecureString;

namespace {

std::string CheckName(std::string_view param, std::string name) {
  if (!domain::IsValidSecretName(name))
    throw ApiError(ErrorCode::kInvalidParameter, std::string(param));
  return name;
}

SecureString CheckValue(std::string value) {
  SecureString secure = SecureString::Adopt(std::move(value));
  ParamReader::CheckLength("secret_value", secure.view(), domain::kMaxSecretValueLength);
  return secure;
}

// Longer descriptions are cut to their first 200 characters, not refused.
std::string CutDescription(std::string description) {
  description.resize(common::PrefixBytes(description, domain::kMaxSecretDescriptionLength));
  return description;
}

// `secret_id` (an id, 496) or `secret_name`; 485 when neither is given.
service::SecretRef ReadRef(const MethodCall& call) {
  service::SecretRef ref;
  if (const auto id_text = call.params.Optional("secret_id")) {
    const auto id = common::ParseStrictInt64(*id_text);
    if (!id || *id < 1) throw ApiError(ErrorCode::kInvalidParameter, "secret_id");
    ref.id = id;
  } else if (auto name = call.params.Optional("secret_name")) {
    ref.name = std::move(name);
  } else {
    throw ApiError(ErrorCode::kMissingParameter, "secret_id' or 'secret_name");
  }
  return ref;
}

// 496 naming the parameter by which `ref` named a secret that does not exist.
ApiError UnknownSecret(const service::SecretRef& ref) {
  return ApiError(ErrorCode::kInvalidParameter, ref.id ? "secret_id" : "secret_name");
}

// In `storage`, with room for GetSecretValue's one more member: the table is allocated once.
json::object SecretJson(const service::Secret& secret, json::storage_ptr storage) {
  json::object object(6, std::move(storage));
  object["secret_id"] = secret.id;
  object["secret_name"] = secret.name;
  if (secret.description) object["description"] = *secret.description;
  object["created"] = common::FormatTimestamp(secret.created);
  object["modified"] = common::FormatTimestamp(secret.modified);
  return object;
}

json::object AddSecret(const service::Applications& applications, service::Secrets& secrets,
                       const MethodCall& call) {
  const int64_t application_id = ResolveApplicationId(applications, call);
  const std::string name = CheckName("secret_name", call.params.Required("secret_name"));
  const SecureString value = CheckValue(call.params.Required("secret_value"));
  std::optional<std::string> description;
  if (auto text = call.params.Optional("description"))
    description = CutDescription(std::move(*text));
  auto added = secrets.Add(call.principal.account_id, application_id, name, value, description);
  if (added.outcome() == store::Outcome::kConflict) {
    throw ApiError(ErrorCode::kNotUnique, "secret_name");
  }
  const int64_t id = ValueOf(std::move(added), call);
  return json::object{{"result", json::array{json::object{{"secret_id", id}}}}};
}

json::object GetSecrets(const service::Applications& applications, service::Secrets& secrets,
                        const MethodCall& call) {
  const int64_t application_id = ResolveApplicationId(applications, call);
  const std::string name_part = call.params.Optional("secret_name_part").value_or("");
  const int64_t count = call.params.IntInRange("count", domain::kDefaultSecretPageSize, 1,
                                               domain::kMaxSecretPageSize);
  const int64_t offset = call.params.IntInRange("offset", 0, 0, INT64_MAX);
  const auto page = ValueOf(
      secrets.List(call.principal.account_id, application_id, name_part, offset, count), call);
  json::array result(call.storage);
  result.reserve(page.items.size());
  for (const auto& secret : page.items) result.push_back(SecretJson(secret, call.storage));
  const auto returned = static_cast<int64_t>(result.size());
  return json::object(
      {{"result", std::move(result)}, {"count", returned}, {"total_count", page.total_count}},
      call.storage);
}

json::object GetSecretValue(const service::Applications& applications, service::Secrets& secrets,
                            const MethodCall& call) {
  const int64_t application_id = ResolveApplicationId(applications, call);
  const service::SecretRef ref = ReadRef(call);
  auto revealed = secrets.Reveal(call.principal.account_id, application_id, ref);
  if (revealed.outcome() == store::Outcome::kNotFound) throw UnknownSecret(ref);
  const auto [secret, value] = ValueOf(std::move(revealed), call);
  // The whole answer lives in storage that is wiped (MethodCall::storage): it holds the value.
  json::object item = SecretJson(secret, call.storage);
  item["secret_value"] = value.view();
  json::array result(call.storage);
  result.push_back(std::move(item));
  json::object answer(call.storage);
  answer["result"] = std::move(result);
  return answer;
}

json::object SetSecretInfo(const service::Applications& applications, service::Secrets& secrets,
                           const MethodCall& call) {
  const int64_t application_id = ResolveApplicationId(applications, call);
  const service::SecretRef ref = ReadRef(call);
  // An unknown secret is reported before the new values are checked.
  const auto located = secrets.Locate(application_id, ref);
  if (located.outcome() == store::Outcome::kNotFound) throw UnknownSecret(ref);
  if (!located.ok()) FailOutcome(located.outcome(), call);
  service::SecretChanges changes;
  if (auto name = call.params.Optional("new_secret_name")) {
    changes.new_name = CheckName("new_secret_name", std::move(*name));
  }
  if (auto value = call.params.Optional("secret_value"))
    changes.value = CheckValue(std::move(*value));
  if (auto text = call.params.OptionalAllowEmpty("description")) {
    changes.description = CutDescription(std::move(*text));
  }
  switch (const auto outcome =
              secrets.Update(call.principal.account_id, application_id, ref, std::move(changes))) {
    case store::Outcome::kOk:
      return json::object{{"result", 1}};
    case store::Outcome::kNotFound:
      throw UnknownSecret(ref);
    case store::Outcome::kConflict:
      throw ApiError(ErrorCode::kNotUnique, "new_secret_name");
    default:
      FailOutcome(outcome, call);
  }
}

json::object DelSecret(const service::Applications& applications, service::Secrets& secrets,
                       const MethodCall& call) {
  const int64_t application_id = ResolveApplicationId(applications, call);
  const auto ids_text = call.params.OptionalList("secret_id");
  const auto names_text = call.params.OptionalList("secret_name");
  if (!ids_text && !names_text) {
    throw ApiError(ErrorCode::kMissingParameter, "secret_id' or 'secret_name");
  }
  domain::IdList ids;
  if (ids_text) {
    auto parsed = domain::ParseIdList(*ids_text, true);
    if (!parsed) throw ApiError(ErrorCode::kInvalidParameter, "secret_id");
    ids = std::move(*parsed);
  }
  std::vector<std::string> names;
  if (names_text) {
    auto parsed = domain::ParseStringList(*names_text);
    if (!parsed) throw ApiError(ErrorCode::kInvalidParameter, "secret_name");
    for (auto& name : *parsed) names.push_back(CheckName("secret_name", std::move(name)));
  }
  const auto deleted = secrets.Delete(application_id, ids.all, ids.ids, names);
  if (deleted.outcome == store::Outcome::kNotFound) {
    throw ApiError(ErrorCode::kInvalidParameter,
                   deleted.missing_in == store::SelectionList::kIds ? "secret_id" : "secret_name");
  }
  if (deleted.outcome != store::Outcome::kOk) FailOutcome(deleted.outcome, call);
  return json::object{{"result", 1}};
}

}  // namespace

void RegisterSecretMethods(MethodTable& table, const service::Applications& applications,
                           service::Secrets& secrets) {
  const auto roles = domain::DataManagementRoles();
  const auto add = [&](std::string name, auto method, bool point_read = false) {
    table.Add(std::move(name), {roles,
                                [&applications, &secrets, method](const MethodCall& call) {
                                  return method(applications, secrets, call);
                                },
                                point_read, nullptr,
                                /*audited=*/true});
  };
  add("AddSecret", AddSecret);
  add("GetSecrets", GetSecrets);
  add("GetSecretValue", GetSecretValue, true);
  add("SetSecretInfo", SetSecretInfo);
  add("DelSecret", DelSecret);
}

}  // namespace coffer::api
