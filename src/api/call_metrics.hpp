#pragma once

#include <functional>
#include <map>
#include <string_view>

#include "api/call_record.hpp"
#include "api/method_table.hpp"
#include "common/metrics.hpp"

namespace coffer::api {

// Counts `/platform_api` requests by method and error code (`coffer_requests_total`) and
// times them by method (`coffer_request_duration_seconds`) in `registry`. Labels hold only
// method names from the table (`unknown` for a request that named none of them) and codes.
class CallMetrics final : public CallObserver {
 public:
  // Registers a series for every method of `methods`; `registry` must outlive this.
  CallMetrics(const MethodTable& methods, common::MetricsRegistry& registry);

  void Observe(const CallRecord& record, std::chrono::nanoseconds latency) noexcept override;

 private:
  struct MethodSeries {
    common::Counter* succeeded;
    common::Histogram* latency;
  };
  MethodSeries Register(std::string_view method);

  common::MetricsRegistry& registry_;
  std::map<std::string_view, MethodSeries, std::less<>> methods_;
  MethodSeries unknown_;
};

// Tells each of several observers in turn.
class CallObservers final : public CallObserver {
 public:
  void Add(CallObserver& observer) { observers_.push_back(&observer); }
  bool empty() const { return observers_.empty(); }
  void Observe(const CallRecord& record, std::chrono::nanoseconds latency) noexcept override {
    for (CallObserver* observer : observers_) observer->Observe(record, latency);
  }

 private:
  std::vector<CallObserver*> observers_;
};

}  // namespace coffer::api
