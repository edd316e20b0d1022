#include "api/router.hpp"

#include <spdlog/spdlog.h>

#include <exception>
#include <future>
#include <string>

#include "api/errors.hpp"
#include "api/request_decoding.hpp"
#include "common/secure_string.hpp"
#include "common/utf8.hpp"
#include "crypto/digest.hpp"
#include "store/outcome.hpp"

namespace coffer::api {

using common::ApiError;
using common::ErrorCode;
using common::HttpRequest;
using common::HttpResponse;

namespace {

bool IsUnavailable(const std::exception_ptr& failure) {
  try {
    std::rethrow_exception(failure);
  } catch (const store::StoreUnavailable&) {
    return true;
  } catch (...) {
    return false;
  }
}

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

service::AuditEvent EventOf(const CallRecord& record) {
  return service::AuditEvent{
      .time = 0,
      .account_id = record.account_id,
      .key_id = record.key_id,
      .client = record.client,
      .method = std::string(record.method),
      .application_id = record.application_id,
      // What a caller who did not authenticate named is not kept.
      .secrets = record.account_id != 0 ? record.secrets : std::vector<std::string>(),
      .named = record.account_id != 0 ? record.named : std::vector<std::string>(),
      .error_code = record.error_code};
}

// What an audited call named of `which` parameters (its secrets, its applications) as given (a
// list, or `all`), each cut to a bounded length. Never a value or a description.
std::vector<std::string> Named(const Params& params,
                               std::initializer_list<std::pair<const char*, const char*>> which) {
  constexpr std::size_t kMostBytes = 512;
  std::vector<std::string> named;
  for (const auto& [param, prefix] : which) {
    if (const std::string* value = params.Find(param); value != nullptr && !value->empty()) {
      const std::string cut = value->substr(0, kMostBytes);
      // A name that is not UTF-8 is refused by the method; the record keeps it as hex, since
      // a database text column cannot hold it.
      named.push_back(common::IsValidUtf8(cut) ? prefix + cut
                                               : std::string(prefix) + "hex:" + crypto::ToHex(cut));
    }
  }
  return named;
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
               store::MetaStore& meta, RouterOptions options, CallObserver* observer,
               service::AuditTrail* audit)
    : methods_(methods),
      authenticator_(authenticator),
      meta_(meta),
      options_(options),
      observer_(observer),
      audit_(audit) {}

template <typename F>
auto Router::Guarded(CallRecord& record, F&& answer) const -> decltype(answer()) {
  const auto failed = [&record](int status, ErrorCode code) {
    record.status = status;
    record.error_code = static_cast<int>(code);
  };
  try {
    return answer();
  } catch (const BadRequest& e) {
    spdlog::debug("request refused: {}", e.what());
    failed(e.http_status(), ErrorCode::kInvalidArguments);
    return ErrorResponse(e.http_status(), ErrorCode::kInvalidArguments);
  } catch (const ApiError& e) {
    failed(200, e.code());
    return JsonResponse(200, RenderError(e));
  } catch (const store::StoreUnavailable& e) {
    // Rate-limited: during an outage every request ends here.
    LogUnavailable(e.what());
    failed(503, ErrorCode::kFatal);
    HttpResponse response = JsonResponse(503, RenderUnavailable());
    response.headers.emplace_back("Retry-After", "1");
    return response;
  } catch (const store::StoreError& e) {
    spdlog::error("storage failure: {}", e.what());
    failed(200, ErrorCode::kDbError);
    return ErrorResponse(200, ErrorCode::kDbError);
  } catch (const std::exception& e) {
    spdlog::error("internal failure: {}", e.what());
    failed(500, ErrorCode::kFatal);
    return ErrorResponse(500, ErrorCode::kFatal);
  }
}

void Router::Observe(const CallRecord& record) const {
  if (observer_ == nullptr) return;
  observer_->Observe(record, std::chrono::steady_clock::now() - record.received);
}

HttpResponse Router::Handle(const HttpRequest& request) const { return *Answer(request, nullptr); }

void Router::Start(const HttpRequest& request, common::Respond respond) const {
  if (auto now = Answer(request, &respond)) {
    respond([response = std::move(*now)]() mutable { return std::move(response); });
  }
}

std::optional<HttpResponse> Router::Answer(const HttpRequest& request,
                                           const common::Respond* later) const {
  const std::string_view path = PathOf(request.target);
  if (request.method != "GET" && request.method != "POST") {
    HttpResponse response = ErrorResponse(405, ErrorCode::kInvalidArguments);
    response.headers.emplace_back("Allow", "GET, POST");
    return response;
  }
  if (path == "/healthz") return HandleHealth();
  if (!PathMethod(path)) return ErrorResponse(404, ErrorCode::kUnknownCommand);
  CallRecord record{.client = request.client, .received = request.received};
  auto answer = Guarded(record, [&] { return HandleApi(request, later, record); });
  if (!answer) return answer;  // the asynchronous method's answer observes it
  // A call the storage could not serve (503) is answered at once: its record could not be
  // written either, and the answer holds nothing to withhold.
  if (record.audited && !record.audit_appended && record.status != 503) {
    return AfterAudit(std::move(*answer), record, later);
  }
  Observe(record);
  return answer;
}

std::optional<HttpResponse> Router::AfterAudit(HttpResponse answer, CallRecord& record,
                                               const common::Respond* later) const {
  const service::AuditEvent event = EventOf(record);
  if (later == nullptr) {
    std::exception_ptr failure;
    try {
      audit_->Record(event);
    } catch (...) {
      failure = std::current_exception();
    }
    return Audited(std::move(answer), failure, record);
  }
  // Held once for both callbacks: copying the record into each cost six allocations a call.
  struct Held {
    HttpResponse answer;
    CallRecord record;
  };
  auto held = std::make_shared<Held>(Held{std::move(answer), std::move(record)});
  audit_->RecordAsync(event, [this, respond = *later, held](std::exception_ptr failure) {
    respond(
        [this, held, failure] { return Audited(std::move(held->answer), failure, held->record); });
  });
  return std::nullopt;
}

HttpResponse Router::Audited(HttpResponse answer, const std::exception_ptr& failure,
                             CallRecord& record) const {
  if (failure) {
    common::WipeBytes(answer.body.data(), answer.body.size());  // may hold a secret
    // Answered as the same storage failure would be answered by the method itself.
    answer = Guarded(record, [&]() -> HttpResponse { std::rethrow_exception(failure); });
  }
  Observe(record);
  return answer;
}

std::optional<HttpResponse> Router::HandleApi(const HttpRequest& request,
                                              const common::Respond* later,
                                              CallRecord& record) const {
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
  record.method = method->name;
  std::unique_ptr<store::AuditScope> audit_scope;
  if (audit_ != nullptr && method->audited) {
    record.audited = true;
    record.secrets = Named(decoded.params, {{"secret_id", "id:"}, {"secret_name", "name:"}});
    record.named =
        Named(decoded.params, {{"application_id", "application_id:"},
                               {"application_name", "application_name:"},
                               {"required_application_name", "required_application_name:"}});
    // The call's write, if it makes one and it succeeds, carries the record (store/audit.hpp).
    audit_scope = audit_->Attach([&record] { return EventOf(record); });
  }
  struct NoteAppended {
    const std::unique_ptr<store::AuditScope>& scope;
    CallRecord& record;
    ~NoteAppended() {
      if (scope) record.audit_appended = scope->appended();
    }
  } note_appended{audit_scope, record};

  // A point read or a key-value write may take its key and application from what the store
  // read before; its answer, an error included, stands only if those were current, else it runs
  // again without (a write then wrote nothing: StaleLookups).
  const bool may_cache = method->point_read || method->start;
  if (auto lookups = may_cache ? meta_.CacheLookups() : nullptr) {
    std::optional<HttpResponse> answer;
    std::exception_ptr failure;
    try {
      answer = Call(*method, name, request, decoded.params, later, lookups.get(), record);
    } catch (...) {
      failure = std::current_exception();
    }
    // A write handed on to answer later was confirmed before it was (Call): it stands.
    if (!failure && !answer) return answer;
    // An unavailable store is the answer whatever the lookups were (a write on outdated ones
    // writes nothing), and asking the store for their generation would only wait once more,
    // past SPEC 15's 10 s.
    if (failure && IsUnavailable(failure)) std::rethrow_exception(failure);
    if (lookups->Confirm()) {
      if (failure) std::rethrow_exception(failure);
      return answer;
    }
    if (answer) common::WipeBytes(answer->body.data(), answer->body.size());  // may hold a secret
    spdlog::debug("{}: a cached key or application changed meanwhile; answering again", name);
    record.application_id.reset();
  }
  return Call(*method, name, request, decoded.params, later, nullptr, record);
}

std::optional<HttpResponse> Router::Call(const MethodSpec& method, const std::string& name,
                                         const HttpRequest& request, const Params& params,
                                         const common::Respond* later,
                                         store::CachedLookups* lookups, CallRecord& record) const {
  // A point read's authentication, application lookup and read see one snapshot, in one
  // transaction instead of three; so do an asynchronous write's checks, as its write runs on
  // another thread.
  auto snapshot = method.point_read || method.start ? meta_.ShareSnapshot() : nullptr;
  const auth::Principal principal =
      authenticator_.Authenticate(request.authorization, LegacyFrom(params));
  record.account_id = principal.account_id;
  record.key_id = principal.key_id;
  if (!auth::HasAnyRole(principal, method.allowed_roles)) throw ApiError(ErrorCode::kForbidden);

  const ParamReader reader(params);
  if (!method.start) {
    AnswerArena arena;  // outlives `members`, built in it
    const boost::json::object members =
        method.handler(MethodCall{principal, reader, &record, arena.storage()});
    spdlog::debug("{} by account {} key {}: ok", name, principal.account_id, principal.key_id);
    return JsonResponse(200, RenderSuccess(members));
  }
  spdlog::debug("{} by account {} key {}: started", name, principal.account_id, principal.key_id);
  const MethodCall call{principal, reader, &record};
  if (later == nullptr) {
    std::promise<MethodFinish> finished;
    method.start(call, [&finished](MethodFinish finish) { finished.set_value(std::move(finish)); });
    snapshot.reset();  // not held while the write becomes durable
    return JsonResponse(200, RenderSuccess(finished.get_future().get()()));
  }
  // Answered from another thread, so never done again: confirm the cached lookups first, in
  // the snapshot the checks were made in.
  if (lookups != nullptr && !lookups->Confirm()) {
    throw store::StaleLookups("a cached service key or application changed meanwhile");
  }
  // The record outlives this call: the method notes what it learns in it before handing its
  // write on, and the answer, made later, reports it.
  auto shared = std::make_shared<CallRecord>(record);
  try {
    method.start(MethodCall{principal, reader, shared.get()},
                 [this, respond = *later, shared](MethodFinish finish) {
                   respond([this, finish = std::move(finish), shared] {
                     HttpResponse answer = Guarded(
                         *shared, [&] { return JsonResponse(200, RenderSuccess(finish())); });
                     Observe(*shared);
                     return answer;
                   });
                 });
  } catch (...) {
    record = *shared;  // failed before handing the write on: answered now, from `record`
    throw;
  }
  return std::nullopt;
}

common::Placement Router::Place(const HttpRequest& request) const {
  const auto name = PathMethod(PathOf(request.target));
  if (!name || name->empty()) return common::Placement::kWorker;
  const MethodSpec* method = methods_.Find(*name);
  if (method == nullptr) return common::Placement::kWorker;
  if (!options_.answer_on_network_threads) {
    // The call blocks on storage, but its audit record's commit need not hold the worker.
    return audit_ != nullptr && method->audited ? common::Placement::kWorkerStart
                                                : common::Placement::kWorker;
  }
  // An audited read waits for its record's commit: started here, answered from the writer.
  if (method->point_read) {
    return audit_ != nullptr && method->audited ? common::Placement::kStart
                                                : common::Placement::kInline;
  }
  if (method->start) return common::Placement::kStart;
  return common::Placement::kWorker;
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
