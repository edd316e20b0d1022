#include "api/key_value_methods.hpp"

#include "api/application_resolver.hpp"
#include "common/api_error.hpp"
#include "domain/key_value_rules.hpp"
#include "domain/roles.hpp"

namespace coffer::api {

namespace json = boost::json;
using common::ApiError;
using common::ErrorCode;

namespace {

// SPEC 4.2 for the data methods: `application_id` or `application_name`.
// `key` as a key or a pattern: 485 absent, 477 too long, 496 outside the alphabet.
std::string CheckKey(std::string key) {
  ParamReader::CheckLength("key", key, domain::kMaxKvKeyLength);
  if (!domain::IsKvKeyAlphabet(key)) throw ApiError(ErrorCode::kInvalidParameter, "key");
  return key;
}

// Built whole: adding members one by one regrew the object's table twice per item.
json::object ItemJson(const store::KvItem& item, bool with_value, json::storage_ptr storage = {}) {
  if (!with_value) {
    return json::object({{"key", item.key}, {"expires_at", item.expires_at}}, std::move(storage));
  }
  return json::object({{"key", item.key}, {"value", item.value}, {"expires_at", item.expires_at}},
                      std::move(storage));
}

// Checks everything before the write starts; the write answers on the writer's thread.
void SetItem(const service::Applications& applications, service::KeyValue& kv,
             const MethodCall& call, std::function<void(MethodFinish)> done) {
  const int64_t application_id = ResolveApplicationId(applications, call);
  std::string key = CheckKey(call.params.Required("key"));
  auto value = call.params.OptionalAllowEmpty("value");
  if (!value) throw ApiError(ErrorCode::kMissingParameter, "value");
  ParamReader::CheckLength("value", *value, domain::kMaxKvValueLength);
  const auto ttl = call.params.OptionalInt("ttl");
  if (ttl && *ttl < 0) throw ApiError(ErrorCode::kOutOfRange, "ttl", 0, domain::kMaxKvTtl);
  const int64_t now = kv.Now();
  const auto expires_at = call.params.OptionalInt("expires_at");
  if (expires_at && *expires_at < now) throw ApiError(ErrorCode::kInvalidParameter, "expires_at");
  if (ttl && expires_at) throw ApiError(ErrorCode::kOnlyOneOfTtlExpiresAt);
  kv.SetAsync(application_id, std::move(key), std::move(*value),
              domain::KvExpiresAt(now, ttl, expires_at),
              [gone = ApplicationGoneError(call),
               done = std::move(done)](common::Completed<store::Result<store::KvItem>> set) {
                done([set = std::move(set), gone]() mutable {
                  auto item = std::move(set).Take();
                  if (item.outcome() == store::Outcome::kApplicationGone) throw gone;
                  return json::object{{"result", ItemJson(std::move(item).value(), true)}};
                });
              });
}

json::object GetItem(const service::Applications& applications, service::KeyValue& kv,
                     const MethodCall& call) {
  const int64_t application_id = ResolveApplicationId(applications, call);
  const std::string key = CheckKey(call.params.Required("key"));
  auto item = kv.Get(application_id, key);
  if (item.outcome() == store::Outcome::kNotFound) {
    throw ApiError(ErrorCode::kInvalidParameter, "key");
  }
  return json::object({{"result", ItemJson(ValueOf(std::move(item), call), true, call.storage)}},
                      call.storage);
}

void DelItem(const service::Applications& applications, service::KeyValue& kv,
             const MethodCall& call, std::function<void(MethodFinish)> done) {
  const int64_t application_id = ResolveApplicationId(applications, call);
  std::string key = CheckKey(call.params.Required("key"));
  kv.DeleteAsync(application_id, std::move(key),
                 [gone = ApplicationGoneError(call),
                  done = std::move(done)](common::Completed<store::Outcome> deleted) {
                   done([deleted = std::move(deleted), gone]() mutable {
                     switch (const auto outcome = std::move(deleted).Take()) {
                       case store::Outcome::kOk:
                         return json::object{{"result", 1}};
                       case store::Outcome::kNotFound:
                         return json::object{{"result", 0}};
                       case store::Outcome::kApplicationGone:
                         throw gone;
                       default:
                         throw std::logic_error("unexpected store outcome " +
                                                std::to_string(static_cast<int>(outcome)));
                     }
                   });
                 });
}

// GetKeyValueItems (pattern required, with values) and GetKeyValueKeys (optional, without).
json::object ListItems(const service::Applications& applications, service::KeyValue& kv,
                       const MethodCall& call, bool with_values) {
  const int64_t application_id = ResolveApplicationId(applications, call);
  std::string prefix;
  if (with_values) {
    prefix = CheckKey(call.params.Required("key"));
  } else if (auto pattern = call.params.Optional("key")) {
    prefix = CheckKey(std::move(*pattern));
  }
  const int64_t count =
      call.params.IntInRange("count", domain::kDefaultKvPageSize, 1, domain::kMaxKvPageSize);
  const int64_t offset = call.params.IntInRange("offset", 0, 0, INT64_MAX);
  json::array result(call.storage);
  const auto items = ValueOf(kv.List(application_id, prefix, offset, count, with_values), call);
  result.reserve(items.size());
  for (const auto& item : items) {
    result.push_back(ItemJson(item, with_values, call.storage));
  }
  return json::object({{"result", std::move(result)}}, call.storage);
}

json::object ListItemsWithValues(const service::Applications& applications, service::KeyValue& kv,
                                 const MethodCall& call) {
  return ListItems(applications, kv, call, true);
}

json::object ListKeys(const service::Applications& applications, service::KeyValue& kv,
                      const MethodCall& call) {
  return ListItems(applications, kv, call, false);
}

}  // namespace

void RegisterKeyValueMethods(MethodTable& table, const service::Applications& applications,
                             service::KeyValue& kv) {
  const auto roles = domain::DataManagementRoles();
  const auto add = [&](std::string name,
                       json::object (*method)(const service::Applications&, service::KeyValue&,
                                              const MethodCall&),
                       bool point_read = false) {
    table.Add(std::move(name), {roles,
                                [&applications, &kv, method](const MethodCall& call) {
                                  return method(applications, kv, call);
                                },
                                point_read});
  };
  // The writes complete asynchronously (MethodSpec::start).
  const auto add_write = [&](std::string name,
                             void (*method)(const service::Applications&, service::KeyValue&,
                                            const MethodCall&, std::function<void(MethodFinish)>)) {
    table.Add(std::move(name),
              {roles, nullptr, false,
               [&applications, &kv, method](const MethodCall& call,
                                            std::function<void(MethodFinish)> done) {
                 method(applications, kv, call, std::move(done));
               }});
  };
  add_write("SetKeyValueItem", SetItem);
  add("GetKeyValueItem", GetItem, true);
  add_write("DelKeyValueItem", DelItem);
  add("GetKeyValueItems", ListItemsWithValues);
  add("GetKeyValueKeys", ListKeys);
}

}  // namespace coffer::api
