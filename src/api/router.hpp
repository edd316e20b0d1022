#pragma once

#include <cstddef>
#include <optional>
#include <string>

#include "api/call_record.hpp"
#include "api/method_table.hpp"
#include "api/params.hpp"
#include "auth/authenticator.hpp"
#include "common/http_message.hpp"
#include "common/log_throttle.hpp"
#include "service/audit_trail.hpp"
#include "store/meta.hpp"

namespace coffer::api {

struct RouterOptions {
  // Parameters per request, query and body together (SPEC 1.5); more → HTTP 413.
  std::size_t max_params = 256;
  // Whether Place() lets point reads run, and asynchronous writes start, on the network thread:
  // only for a store whose reads never wait on the network or a lock (SQLite in WAL mode) and
  // whose writes complete on a thread of their own. Off by default.
  bool answer_on_network_threads = false;
};

// Answers every HTTP request the transport reads: `/healthz`, and the methods under
// `/platform_api` in the order of SPEC 5.2 (decoding, method selection, authentication, roles,
// then the method). Never throws; thread-safe.
class Router {
 public:
  // `meta` answers the health check; `observer`, when given, is told of every `/platform_api`
  // request once answered; `audit`, when given, records every call of an audited method
  // (MethodSpec::audited) before its answer goes out. Everything passed in must outlive the
  // Router.
  Router(const MethodTable& methods, auth::Authenticator& authenticator, store::MetaStore& meta,
         RouterOptions options, CallObserver* observer = nullptr,
         service::AuditTrail* audit = nullptr);

  // The answer, once the method has ended (waiting for an asynchronous write to be durable).
  common::HttpResponse Handle(const common::HttpRequest& request) const;

  // Answers through `respond`, exactly once: before returning, except for a method that writes
  // asynchronously (MethodSpec::start), whose answer comes from the thread that finished its
  // write. Never blocks on a write; reads as Handle() does.
  void Start(const common::HttpRequest& request, common::Respond respond) const;

  // Where `request` may be answered, judged by the method its path names: kInline for a point
  // read, kStart for an asynchronous write or an audited read, when
  // RouterOptions::answer_on_network_threads; otherwise kWorkerStart for an audited method (its
  // record's commit then holds no worker), and kWorker for the rest (and for the `cmd` form,
  // whose method is known only once decoded). Cheap; never throws.
  common::Placement Place(const common::HttpRequest& request) const;

  // The answer to a request the transport refused (400, 413, 414, 431): that status and the
  // error envelope with code 101.
  static common::HttpResponse Refusal(int status);

 private:
  // The answer, or nullopt when `later` was given to an asynchronous method, which answers
  // through it. Without `later`, waits for such a method to end.
  std::optional<common::HttpResponse> Answer(const common::HttpRequest& request,
                                             const common::Respond* later) const;
  std::optional<common::HttpResponse> HandleApi(const common::HttpRequest& request,
                                                const common::Respond* later,
                                                CallRecord& record) const;
  // Authenticates the request's caller and runs `method` for them; answers as Answer. With
  // `lookups` (the scope the call runs in), an asynchronous write starts only once they are
  // confirmed, else StaleLookups.
  std::optional<common::HttpResponse> Call(const MethodSpec& method, const std::string& name,
                                           const common::HttpRequest& request, const Params& params,
                                           const common::Respond* later,
                                           store::CachedLookups* lookups, CallRecord& record) const;
  // What `answer` returns, or the answer SPEC 5 gives to what it throws; either way noted in
  // `record`.
  template <typename F>
  auto Guarded(CallRecord& record, F&& answer) const -> decltype(answer());
  // Tells the observer, if any, of `record`.
  void Observe(const CallRecord& record) const;
  // For an audited call whose write did not carry its record (a read, a failure): records it,
  // then answers `answer`; when that fails, withholds it and answers the failure instead (SPEC
  // 16: no record, no answer). With `later`, records without waiting and answers through it
  // (nullopt returned).
  std::optional<common::HttpResponse> AfterAudit(common::HttpResponse answer, CallRecord& record,
                                                 const common::Respond* later) const;
  // `answer` once its audit record is written, or, when that failed with `failure`, the answer
  // to that failure instead (`answer` wiped); observed either way.
  common::HttpResponse Audited(common::HttpResponse answer, const std::exception_ptr& failure,
                               CallRecord& record) const;
  common::HttpResponse HandleHealth() const;
  // Logs an unreachable storage through unavailable_log_: in an outage every request fails.
  void LogUnavailable(const char* why) const;

  const MethodTable& methods_;
  auth::Authenticator& authenticator_;
  store::MetaStore& meta_;
  const RouterOptions options_;
  CallObserver* const observer_;
  service::AuditTrail* const audit_;
  mutable common::LogThrottle unavailable_log_{std::chrono::seconds(5)};
};

}  // namespace coffer::api
