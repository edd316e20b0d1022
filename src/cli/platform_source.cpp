#include "cli/platform_source.hpp"

#include <boost/json.hpp>
#include <boost/url.hpp>

#include "cli/api_client.hpp"
#include "cli/loopback.hpp"
#include "common/timestamp.hpp"

namespace coffer::cli {

namespace json = boost::json;

namespace {

// The largest pages the methods allow (SPEC 6.5, 7.3).
constexpr int kSecretPage = 1000;
constexpr int kKeyPage = 50;
// The most a source may hand over: a bound on the memory a misbehaving server can make this
// command use (the whole application is held until it is written in one transaction).
constexpr std::size_t kMaxSecrets = 100'000;
constexpr std::size_t kMaxKeys = 1'000'000;
// GetKeyValueItem's answer for a key without a live item.
constexpr int kInvalidParameter = 496;

std::vector<std::string> TrustedFiles(const std::string& ca_file) {
  if (ca_file.empty()) return {};
  return {ca_file};
}

[[noreturn]] void Unexpected(std::string_view method) {
  throw std::runtime_error(std::string(method) + " answered in an unexpected shape");
}

const json::array& ResultArray(const json::value& answer, std::string_view method) {
  const json::value* result = answer.get_object().if_contains("result");
  if (result == nullptr || !result->is_array()) Unexpected(method);
  return result->get_array();
}

std::string Text(const json::object& object, std::string_view name, std::string_view method) {
  const json::value* value = object.if_contains(name);
  if (value == nullptr || !value->is_string()) Unexpected(method);
  return std::string(value->get_string());
}

int64_t Int(const json::object& object, std::string_view name, std::string_view method) {
  const json::value* value = object.if_contains(name);
  if (value == nullptr || !value->is_int64()) Unexpected(method);
  return value->get_int64();
}

int64_t Time(const json::object& object, std::string_view name, std::string_view method) {
  const auto time = common::ParseTimestamp(Text(object, name, method));
  if (!time) Unexpected(method);
  return *time;
}

// Runs one call, naming it in any failure.
json::value Ask(ApiClient& client, std::string_view method, const ApiParams& params) {
  try {
    return client.Call(method, params);
  } catch (const ApiCallError& e) {
    throw std::runtime_error(std::string(method) + " failed with code " + std::to_string(e.code()) +
                             ": " + e.what());
  }
}

void FetchSecrets(ApiClient& client, const std::string& application,
                  service::ApplicationExport& data) {
  for (int64_t offset = 0;;) {
    const json::value page = Ask(client, "GetSecrets",
                                 {{"application_name", application},
                                  {"count", std::to_string(kSecretPage)},
                                  {"offset", std::to_string(offset)}});
    const json::array& listed = ResultArray(page, "GetSecrets");
    for (const json::value& entry : listed) {
      if (!entry.is_object()) Unexpected("GetSecrets");
      const json::object& secret = entry.get_object();
      const int64_t id = Int(secret, "secret_id", "GetSecrets");
      const json::value value_answer =
          Ask(client, "GetSecretValue",
              {{"application_name", application}, {"secret_id", std::to_string(id)}});
      const json::array& values = ResultArray(value_answer, "GetSecretValue");
      if (values.size() != 1 || !values[0].is_object()) Unexpected("GetSecretValue");
      service::ExportedSecret exported{
          Text(secret, "secret_name", "GetSecrets"),
          common::SecureString(Text(values[0].get_object(), "secret_value", "GetSecretValue")),
          std::nullopt, Time(secret, "created", "GetSecrets"),
          Time(secret, "modified", "GetSecrets")};
      if (secret.contains("description")) {
        exported.description = Text(secret, "description", "GetSecrets");
      }
      data.secrets.push_back(std::move(exported));
    }
    offset += static_cast<int64_t>(listed.size());
    if (data.secrets.size() > kMaxSecrets) {
      throw std::runtime_error("the source application holds more than " +
                               std::to_string(kMaxSecrets) + " secrets");
    }
    if (listed.empty() || offset >= Int(page.get_object(), "total_count", "GetSecrets")) return;
  }
}

void FetchItems(ApiClient& client, const std::string& application,
                service::ApplicationExport& data) {
  std::vector<std::string> keys;
  for (int64_t offset = 0;;) {
    const json::value page = Ask(client, "GetKeyValueKeys",
                                 {{"application_name", application},
                                  {"count", std::to_string(kKeyPage)},
                                  {"offset", std::to_string(offset)}});
    const json::array& listed = ResultArray(page, "GetKeyValueKeys");
    for (const json::value& entry : listed) {
      if (!entry.is_object()) Unexpected("GetKeyValueKeys");
      keys.push_back(Text(entry.get_object(), "key", "GetKeyValueKeys"));
    }
    offset += static_cast<int64_t>(listed.size());
    if (keys.size() > kMaxKeys) {
      throw std::runtime_error("the source application holds more than " +
                               std::to_string(kMaxKeys) + " items");
    }
    if (listed.size() < static_cast<std::size_t>(kKeyPage)) break;
  }
  for (const std::string& key : keys) {
    json::value answer;
    try {
      answer = client.Call("GetKeyValueItem", {{"application_name", application}, {"key", key}});
    } catch (const ApiCallError& e) {
      if (e.code() == kInvalidParameter) continue;  // expired or deleted since it was listed
      throw std::runtime_error("GetKeyValueItem failed with code " + std::to_string(e.code()) +
                               ": " + e.what());
    }
    const json::value* result = answer.get_object().if_contains("result");
    if (result == nullptr || !result->is_object()) Unexpected("GetKeyValueItem");
    const json::object& item = result->get_object();
    data.items.push_back(store::KvItem{Text(item, "key", "GetKeyValueItem"),
                                       Text(item, "value", "GetKeyValueItem"),
                                       Int(item, "expires_at", "GetKeyValueItem")});
  }
}

// Plain HTTP would carry the token and every secret value in the clear: only to this machine.
void RequireSafeTransport(const std::string& url) {
  const auto parsed = boost::urls::parse_uri(url);
  if (!parsed || parsed->scheme() != "http") return;  // ApiClient judges the rest
  const std::string host = parsed->host_type() == boost::urls::host_type::ipv6
                               ? parsed->host_ipv6_address().to_string()
                               : std::string(parsed->host());
  if (IsLoopbackHost(host)) return;
  throw std::runtime_error("refusing to read secrets over plain HTTP from " + host +
                           ": use https://");
}

}  // namespace

service::ApplicationExport FetchApplication(const PlatformSource& source) {
  RequireSafeTransport(source.url);
  ApiClient client(ApiClientOptions{.server = source.url,
                                    .credentials = ReadCredentialsFile(source.credentials_file),
                                    .trusted_certificates = TrustedFiles(source.ca_file),
                                    .timeout = std::chrono::seconds(30)});
  service::ApplicationExport data;
  data.application = source.application;
  data.exported_at = std::chrono::duration_cast<std::chrono::seconds>(
                         std::chrono::system_clock::now().time_since_epoch())
                         .count();
  FetchSecrets(client, source.application, data);
  FetchItems(client, source.application, data);
  return data;
}

}  // namespace coffer::cli
