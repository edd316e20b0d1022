#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <utility>
#include <vector>

namespace coffer::common {

// A metric's labels, in the order they are rendered. Values must come from a small, fixed set
// (method names, error codes): never a caller-supplied string, a name, a key or a value.
using MetricLabels = std::vector<std::pair<std::string, std::string>>;

// A monotonically rising count. Adding is one relaxed atomic increment: cheap on any thread.
class Counter {
 public:
  void Add(uint64_t n = 1) noexcept { value_.fetch_add(n, std::memory_order_relaxed); }
  uint64_t value() const noexcept { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<uint64_t> value_{0};
};

// Observations counted into fixed buckets (Prometheus `le` semantics: a bucket counts the
// observations at most its bound). Observing is lock-free; a scrape may see an observation in
// its bucket but not yet in the sum, as any lock-free histogram may.
class Histogram {
 public:
  // `bounds` must rise strictly; +Inf is implicit.
  explicit Histogram(std::span<const double> bounds);

  void Observe(double value) noexcept;

  std::span<const double> bounds() const { return bounds_; }
  // Observations in bucket i alone (not cumulative); index bounds().size() is the +Inf bucket.
  uint64_t bucket(std::size_t i) const { return buckets_[i].load(std::memory_order_relaxed); }
  uint64_t count() const;
  double sum() const { return sum_.load(std::memory_order_relaxed); }

 private:
  std::vector<double> bounds_;
  std::unique_ptr<std::atomic<uint64_t>[]> buckets_;
  std::atomic<double> sum_{0};
};

// Bucket bounds in seconds for request and commit latencies: 50 µs to 10 s.
std::span<const double> LatencyBuckets();

// The metrics of one process, rendered in the Prometheus text exposition format (0.0.4).
// Metrics are registered once (usually at start-up) and live as long as the registry, so the
// references it hands out may be kept and used from any thread. Thread-safe.
class MetricsRegistry {
 public:
  // The counter `name` with `labels`, created on first use. Throws std::logic_error when `name`
  // is already registered as another type, or is not a valid metric name.
  Counter& AddCounter(const std::string& name, const std::string& help, MetricLabels labels = {});
  // As AddCounter; `bounds` are used only when it is created.
  Histogram& AddHistogram(const std::string& name, const std::string& help,
                          std::span<const double> bounds, MetricLabels labels = {});
  // A gauge whose value `read` gives at each scrape; `read` must be thread-safe, must not
  // throw, and must not register metrics. A gauge registered again replaces its `read`.
  void AddGauge(const std::string& name, const std::string& help, MetricLabels labels,
                std::function<double()> read);
  // As AddGauge, for a count kept elsewhere that only rises.
  void AddCounterFunction(const std::string& name, const std::string& help, MetricLabels labels,
                          std::function<double()> read);

  // Every metric, families in the order they were first registered.
  std::string Render() const;

 private:
  enum class Type { kCounter, kGauge, kHistogram };
  struct Series {
    MetricLabels labels;
    std::unique_ptr<Counter> counter;
    std::unique_ptr<Histogram> histogram;
    std::function<double()> read;  // a gauge's, or a counter kept elsewhere
  };
  struct Family {
    Type type;
    std::string help;
    std::map<std::string, Series> series;  // by rendered labels
  };
  Series& Find(const std::string& name, const std::string& help, Type type, MetricLabels labels);

  mutable std::mutex mutex_;
  std::vector<std::string> order_;
  std::map<std::string, Family> families_;
};

}  // namespace coffer::common
