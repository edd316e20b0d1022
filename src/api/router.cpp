#include "api/router.hpp"

#include <spdlog/spdlog.h>

#include "api/errors.hpp"
#include "api/request_decoding.hpp"
#include "store/outcome.hpp"

namespace coffer::api {

using common::ApiError;
using common::ErrorCode;
using common::HttpRequest;
using common::HttpResponse;

namespace {

constexpr std::string_view kApiPrefix = "/platform_api";

HttpResponse JsonResponse(int status, std::string body) {
  HttpResponse response;
  response.status = status;
  response.headers.emplace_back("Cache-Control", "no-store");
  response.body = std::move(body);
  return response;
}

HttpResponse ErrorResponse(int status, ErrorCode code) {
  return JsonResponse(status, RenderError(ApiError(code)));
}

std::string_view PathOf(std::string_view target) { return target.substr(0, target.find('?')); }

// The method named by the path: "" for the bare prefix, nullopt for paths outside the API.
std::optional<std::string_view> PathMethod(std::string_view path) {
  if (!path.starts_with(kApiPrefix)) return std::nullopt;
  std::string_view rest = path.substr(kApiPrefix.size());
  if (rest.empty() || rest == "/") return std::string_view();
  if (rest.front() != '/') return std::nullopt;
  rest.remove_prefix(1);
  if (rest.ends_with('/')) rest.remove_suffix(1);
  if (rest.empty() || rest.find('/') != std::string_view::npos) return std::nullopt;
  return rest;
}

auth::LegacyCredentials LegacyFrom(const Params& params) {
  const auto read = [&](std::string_view name) -> std::optional<std::string> {
    const std::string* value = params.Find(name);
    if (value == nullptr || value->empty()) return std::nullopt;
    return *value;
  };
  return auth::LegacyCredentials{read("account_id"), read("account_name"), read("account_email"),
                                 read("api_key")};
}

}  // namespace

Router::Router(const MethodTable& methods, auth::Authenticator& authenticator,
               store::MetaStore& meta, RouterOptions options)
    : methods_(methods), authenticator_(authenticator), meta_(meta), options_(options) {}

HttpResponse Router::Handle(const HttpRequest& request) const {
  const std::string_view path = PathOf(request.target);
  if (request.method != "GET" && request.method != "POST") {
    HttpResponse response = ErrorResponse(405, ErrorCode::kInvalidArguments);
    response.headers.emplace_back("Allow", "GET, POST");
    return response;
  }
  if (path == "/healthz") return HandleHealth();
  if (!PathMethod(path)) return ErrorResponse(404, ErrorCode::kUnknownCommand);
  try {
    return HandleApi(request);
  } catch (const BadRequest& e) {
    spdlog::debug("request refused: {}", e.what());
    return ErrorResponse(e.http_status(), ErrorCode::kInvalidArguments);
  } catch (const ApiError& e) {
    return JsonResponse(200, RenderError(e));
  } catch (const store::StoreUnavailable& e) {
    // Rate-limited: during an outage every request ends here.
    LogUnavailable(e.what());
    HttpResponse response = JsonResponse(503, RenderUnavailable());
    response.headers.emplace_back("Retry-After", "1");
    return response;
  } catch (const store::StoreError& e) {
    spdlog::error("storage failure: {}", e.what());
    return ErrorResponse(200, ErrorCode::kDbError);
  } catch (const std::exception& e) {
    spdlog::error("internal failure: {}", e.what());
    return ErrorResponse(500, ErrorCode::kFatal);
  }
}

HttpResponse Router::HandleApi(const HttpRequest& request) const {
  DecodedRequest decoded = DecodeRequest(request, options_.max_params);
  struct WipeOnExit {
    Params& params;
    ~WipeOnExit() { params.Wipe(); }
  } wipe{decoded.params};
  std::string name(*PathMethod(decoded.path));
  if (name.empty()) {
    const std::string* cmd = decoded.params.Find("cmd");
    if (cmd == nullptr || cmd->empty()) throw ApiError(ErrorCode::kCmdMissing);
    name = *cmd;
  }
  const MethodSpec* method = methods_.Find(name);
  if (method == nullptr) throw ApiError(ErrorCode::kUnknownCommand);

  // A point read's authentication, application lookup and read see one snapshot, in one
  // transaction instead of three.
  const auto snapshot = method->point_read ? meta_.ShareSnapshot() : nullptr;
  const auth::Principal principal =
      authenticator_.Authenticate(request.authorization, LegacyFrom(decoded.params));
  if (!auth::HasAnyRole(principal, method->allowed_roles)) throw ApiError(ErrorCode::kForbidden);

  const ParamReader reader(decoded.params);
  const MethodCall call{principal, reader};
  const boost::json::object members = method->handler(call);
  spdlog::debug("{} by account {} key {}: ok", name, principal.account_id, principal.key_id);
  return JsonResponse(200, RenderSuccess(members));
}

bool Router::MayAnswerInline(const HttpRequest& request) const {
  if (!options_.point_reads_inline) return false;
  const auto name = PathMethod(PathOf(request.target));
  if (!name || name->empty()) return false;  // a `cmd` parameter is only known once decoded
  const MethodSpec* method = methods_.Find(*name);
  return method != nullptr && method->point_read;
}

HttpResponse Router::Refusal(int status) {
  return ErrorResponse(status, ErrorCode::kInvalidArguments);
}

void Router::LogUnavailable(const char* why) const {
  if (const std::size_t failed = unavailable_log_.Note()) {
    spdlog::error("storage unavailable ({} request(s) answered 503 since the last report): {}",
                  failed, why);
  }
}

HttpResponse Router::HandleHealth() const {
  if (meta_.Ping()) return JsonResponse(200, R"({"status":"ok"})");
  return JsonResponse(503, R"({"status":"unavailable"})");
}

}  // namespace coffer::api
