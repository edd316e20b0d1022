#include "cli/client_commands.hpp"

#include <boost/json.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include "cli/api_client.hpp"
#include "cli/data_dir.hpp"

namespace coffer::cli {

namespace json = boost::json;

namespace {

constexpr const char* kDefaultServer = "https://127.0.0.1:8443";
// Where `ls` stops paging, whatever the server says.
constexpr std::size_t kMostEntries = 1'000'000;

std::string FromEnvironment(const std::string& given, const char* variable,
                            const std::string& fallback) {
  if (!given.empty()) return given;
  const char* set = std::getenv(variable);
  return set != nullptr && *set != '\0' ? set : fallback;
}

// A file's content (`-`: standard input) without one final line ending, as `$(cat FILE)` gives.
std::string ReadValue(const std::string& path) {
  std::string value;
  if (path == "-") {
    std::ostringstream text;
    text << std::cin.rdbuf();
    value = std::move(text).str();
  } else {
    value = ReadWholeFile(path, "value file");
  }
  if (!value.empty() && value.back() == '\n') value.pop_back();
  if (!value.empty() && value.back() == '\r') value.pop_back();
  return value;
}

void Pretty(const json::value& value, std::string& out, int depth) {
  const std::string indent(2 * (depth + 1), ' ');
  const std::string closing(2 * depth, ' ');
  if (const json::object* object = value.if_object(); object && !object->empty()) {
    out += "{\n";
    bool first = true;
    for (const auto& member : *object) {
      out += first ? "" : ",\n";
      first = false;
      out += indent + json::serialize(json::string(member.key())) + ": ";
      Pretty(member.value(), out, depth + 1);
    }
    out += "\n" + closing + "}";
  } else if (const json::array* array = value.if_array(); array && !array->empty()) {
    out += "[\n";
    for (std::size_t i = 0; i < array->size(); ++i) {
      out += (i == 0 ? "" : ",\n") + indent;
      Pretty((*array)[i], out, depth + 1);
    }
    out += "\n" + closing + "]";
  } else {
    out += json::serialize(value);
  }
}

RequestForm FormNamed(const std::string& name) {
  if (name == "query") return RequestForm::kQuery;
  if (name == "json") return RequestForm::kJson;
  if (name == "multipart") return RequestForm::kMultipart;
  if (name == "cmd") return RequestForm::kCmd;
  return RequestForm::kUrlencoded;
}

// Asks for page after page until one comes back short; one answer with every entry, or the
// first error answer.
json::value EveryPage(ApiClient& api, const std::string& method, const ApiParams& params) {
  std::size_t page_size = 0;
  for (const auto& [name, value] : params) {
    if (name == "count") page_size = std::stoul(value);
  }
  json::array entries;
  json::value first;
  for (;;) {
    ApiParams page = params;
    page.emplace_back("offset", std::to_string(entries.size()));
    json::value answer = api.Send(method, page);
    const json::object& fields = answer.as_object();
    const json::value* result = fields.if_contains("result");
    if (fields.contains("error") || result == nullptr || !result->is_array()) return answer;
    const std::size_t got = result->get_array().size();
    for (const json::value& entry : result->get_array()) entries.push_back(entry);
    if (first.is_null()) first = std::move(answer);
    if (got < page_size || got == 0 || entries.size() >= kMostEntries) break;
  }
  json::object joined = first.as_object();
  joined["count"] = entries.size();
  joined["result"] = std::move(entries);
  return joined;
}

}  // namespace

std::string PrettyJson(const json::value& value) {
  std::string out;
  Pretty(value, out, 0);
  return out;
}

int RunClient(const ClientOptions& o, std::ostream& out, std::ostream& err, bool pretty) {
  const std::filesystem::path data(o.data_dir);
  ApiClientOptions client{
      .server = FromEnvironment(o.server, "COFFER_SERVER", kDefaultServer),
      .credentials = ReadCredentialsFile(FromEnvironment(o.credentials, "COFFER_CREDENTIALS",
                                                         (data / "credentials.json").string())),
      .trusted_certificates = {},
      .timeout = std::chrono::seconds(30)};
  // The self-signed certificate a server on this data directory presents.
  if (const auto own = data / "tls" / "cert.pem"; std::filesystem::is_regular_file(own)) {
    client.trusted_certificates.push_back(own.string());
  }
  if (!o.ca_file.empty()) client.trusted_certificates.push_back(o.ca_file);

  ApiParams params;
  for (const ClientParam& param : o.params) {
    params.emplace_back(param.name, param.from_file ? ReadValue(param.value) : param.value);
  }
  ApiClient api(std::move(client));
  const json::value answer = o.every_page ? EveryPage(api, o.method, params)
                                          : api.Send(o.method, params, FormNamed(o.form));
  out << (pretty ? PrettyJson(answer) : json::serialize(answer)) << "\n";
  const json::value* error = answer.as_object().if_contains("error");
  if (error == nullptr) return 0;
  const json::object* fields = error->if_object();
  const json::value* message = fields ? fields->if_contains("msg") : nullptr;
  const json::value* code = fields ? fields->if_contains("code") : nullptr;
  err << "coffer: " << (message && message->is_string() ? message->get_string().c_str() : "error")
      << (code ? " (code " + json::serialize(*code) + ")" : std::string()) << "\n";
  return 1;
}

}  // namespace coffer::cli
