#pragma once

#include <cstddef>

#include "api/method_table.hpp"
#include "auth/authenticator.hpp"
#include "common/http_message.hpp"
#include "common/log_throttle.hpp"
#include "store/meta.hpp"

namespace coffer::api {

struct RouterOptions {
  // Parameters per request, query and body together (SPEC 1.5); more → HTTP 413.
  std::size_t max_params = 256;
  // Whether MayAnswerInline lets point reads run on the network thread: only for a store whose
  // reads never wait on the network or a lock (SQLite in WAL mode). Off by default.
  bool point_reads_inline = false;
};

// Answers every HTTP request the transport reads: `/healthz`, and the methods under
// `/platform_api` in the order of SPEC 5.2 (decoding, method selection, authentication, roles,
// then the method). Never throws; thread-safe.
class Router {
 public:
  // `meta` answers the health check. Everything passed in must outlive the Router.
  Router(const MethodTable& methods, auth::Authenticator& authenticator, store::MetaStore& meta,
         RouterOptions options);

  common::HttpResponse Handle(const common::HttpRequest& request) const;

  // True when `request` names a point-read method in its path and point reads may be answered
  // inline (ServerCallbacks::answer_inline). Looks at the path only: cheap, never throws.
  bool MayAnswerInline(const common::HttpRequest& request) const;

  // The answer to a request the transport refused (400, 413, 414, 431): that status and the
  // error envelope with code 101.
  static common::HttpResponse Refusal(int status);

 private:
  common::HttpResponse HandleApi(const common::HttpRequest& request) const;
  common::HttpResponse HandleHealth() const;
  // Logs an unreachable storage through unavailable_log_: in an outage every request fails.
  void LogUnavailable(const char* why) const;

  const MethodTable& methods_;
  auth::Authenticator& authenticator_;
  store::MetaStore& meta_;
  const RouterOptions options_;
  mutable common::LogThrottle unavailable_log_{std::chrono::seconds(5)};
};

}  // namespace coffer::api
