#include "cli/metrics_listener.hpp"

#include <spdlog/spdlog.h>

namespace coffer::cli {

namespace {

common::HttpResponse Plain(int status, std::string body) {
  common::HttpResponse response;
  response.status = status;
  response.content_type = "text/plain; charset=utf-8";
  response.body = std::move(body);
  return response;
}

}  // namespace

MetricsListener::MetricsListener(http::ServerOptions options,
                                 const common::MetricsRegistry& registry)
    : registry_(registry), server_(std::move(options)) {}

MetricsListener::~MetricsListener() {
  if (!thread_.joinable()) return;
  server_.Stop();
  thread_.join();
}

void MetricsListener::Start() {
  server_.Listen();
  spdlog::info("metrics on http://{}:{}/metrics", server_.options().host, server_.port());
  thread_ = std::thread([this] {
    const auto answer = [this](const common::HttpRequest& request) {
      return Answer(request, registry_);
    };
    server_.Run(nullptr, http::ServerCallbacks{
                             .handle = answer,
                             .refuse = [](int status) { return Plain(status, "refused\n"); },
                             .place =
                                 [](const common::HttpRequest&) {
                                   return common::Placement::kInline;  // a scrape never blocks
                                 },
                             .start = nullptr});
  });
}

common::HttpResponse MetricsListener::Answer(const common::HttpRequest& request,
                                             const common::MetricsRegistry& registry) {
  const std::string_view path =
      std::string_view(request.target).substr(0, request.target.find('?'));
  if (path != "/metrics") return Plain(404, "not found; metrics are at /metrics\n");
  if (request.method != "GET" && request.method != "HEAD") {
    common::HttpResponse response = Plain(405, "method not allowed\n");
    response.headers.emplace_back("Allow", "GET, HEAD");
    return response;
  }
  common::HttpResponse response = Plain(200, registry.Render());
  response.content_type = "text/plain; version=0.0.4; charset=utf-8";
  response.headers.emplace_back("Cache-Control", "no-store");
  return response;
}

}  // namespace coffer::cli
