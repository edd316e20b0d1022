#include "api/call_metrics.hpp"

#include <string>

namespace coffer::api {

namespace {

constexpr const char* kRequests = "coffer_requests_total";
constexpr const char* kRequestsHelp =
    "Requests to /platform_api by method and error code (0: success).";
constexpr std::string_view kUnknownMethod = "unknown";

}  // namespace

CallMetrics::CallMetrics(const MethodTable& methods, common::MetricsRegistry& registry)
    : registry_(registry), unknown_(Register(kUnknownMethod)) {
  for (const std::string_view method : methods.Names()) methods_.emplace(method, Register(method));
}

CallMetrics::MethodSeries CallMetrics::Register(std::string_view method) {
  const std::string name(method);
  return MethodSeries{
      &registry_.AddCounter(kRequests, kRequestsHelp, {{"method", name}, {"code", "0"}}),
      &registry_.AddHistogram("coffer_request_duration_seconds",
                              "Time from a /platform_api request being read to its answer.",
                              common::LatencyBuckets(), {{"method", name}})};
}

void CallMetrics::Observe(const CallRecord& record, std::chrono::nanoseconds latency) noexcept {
  const auto it = methods_.find(record.method);
  const MethodSeries& series = it == methods_.end() ? unknown_ : it->second;
  series.latency->Observe(std::chrono::duration<double>(latency).count());
  if (record.error_code == 0) return series.succeeded->Add();
  try {
    const std::string method(it == methods_.end() ? kUnknownMethod : it->first);
    registry_
        .AddCounter(kRequests, kRequestsHelp,
                    {{"method", method}, {"code", std::to_string(record.error_code)}})
        .Add();
  } catch (...) {
    // Out of memory: the error goes uncounted rather than failing its request.
  }
}

}  // namespace coffer::api
