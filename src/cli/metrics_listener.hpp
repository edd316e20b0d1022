#pragma once

#include <thread>

#include "common/metrics.hpp"
#include "http/server.hpp"

namespace coffer::cli {

// `serve --metrics-listen` (SPEC 16): a plain-HTTP listener of its own answering `GET /metrics`
// with `registry` in the Prometheus text format, without authentication; any other path is 404,
// any other method 405. It keeps its own small connection limits, so scrapes never take the API's
// connection slots, and it stops on SIGINT/SIGTERM with the API server.
class MetricsListener {
 public:
  // Binds `options`' address at once (throws std::system_error when it is unusable).
  MetricsListener(http::ServerOptions options, const common::MetricsRegistry& registry);
  // Stops serving and waits for the listener's thread.
  ~MetricsListener();
  MetricsListener(const MetricsListener&) = delete;
  MetricsListener& operator=(const MetricsListener&) = delete;

  // Starts listening and serving on a thread of its own.
  void Start();
  uint16_t port() const { return server_.port(); }

  // The answer to one request (public for tests).
  static common::HttpResponse Answer(const common::HttpRequest& request,
                                     const common::MetricsRegistry& registry);

 private:
  const common::MetricsRegistry& registry_;
  http::Server server_;
  std::thread thread_;
};

}  // namespace coffer::cli
