#include "common/metrics.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <stdexcept>

namespace coffer::common {

namespace {

bool ValidName(const std::string& name) {
  if (name.empty() || (name[0] >= '0' && name[0] <= '9')) return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           c == ':';
  });
}

// The exposition format escapes backslash and newline in help text, and the double quote too
// in label values.
std::string Escaped(const std::string& text, bool quote) {
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '"' && quote) {
      out += "\\\"";
    } else {
      out += c;
    }
  }
  return out;
}

// `{a="x",b="y"}`, with `extra` (a histogram's `le`) last; "" when there are no labels.
std::string RenderLabels(const MetricLabels& labels, const std::string& extra = {}) {
  if (labels.empty() && extra.empty()) return {};
  std::string out = "{";
  for (const auto& [name, value] : labels) {
    if (out.size() > 1) out += ',';
    out += name + "=\"" + Escaped(value, true) + '"';
  }
  if (!extra.empty()) {
    if (out.size() > 1) out += ',';
    out += extra;
  }
  return out + '}';
}

// Shortest text that reads back as the same double, without an exponent where that stays
// short (bucket bounds read `0.0005`, not `5e-04`); Prometheus' spellings for the rest.
std::string Number(double value) {
  if (std::isnan(value)) return "NaN";
  if (std::isinf(value)) return value > 0 ? "+Inf" : "-Inf";
  const double magnitude = std::fabs(value);
  const bool fixed = magnitude == 0 || (magnitude >= 1e-9 && magnitude < 1e15);
  std::array<char, 64> text{};
  const auto end = std::to_chars(text.data(), text.data() + text.size(), value,
                                 fixed ? std::chars_format::fixed : std::chars_format::general)
                       .ptr;
  return std::string(text.data(), end);
}

const char* TypeName(int type) {
  static constexpr std::array<const char*, 3> kNames = {"counter", "gauge", "histogram"};
  return kNames[static_cast<std::size_t>(type)];
}

}  // namespace

Histogram::Histogram(std::span<const double> bounds)
    : bounds_(bounds.begin(), bounds.end()),
      buckets_(std::make_unique<std::atomic<uint64_t>[]>(bounds.size() + 1)) {
  if (!std::is_sorted(bounds_.begin(), bounds_.end()) ||
      std::adjacent_find(bounds_.begin(), bounds_.end()) != bounds_.end()) {
    throw std::logic_error("histogram bounds must rise strictly");
  }
}

void Histogram::Observe(double value) noexcept {
  const auto bucket = std::lower_bound(bounds_.begin(), bounds_.end(), value) - bounds_.begin();
  buckets_[static_cast<std::size_t>(bucket)].fetch_add(1, std::memory_order_relaxed);
  sum_.fetch_add(value, std::memory_order_relaxed);
}

uint64_t Histogram::count() const {
  uint64_t total = 0;
  for (std::size_t i = 0; i <= bounds_.size(); ++i) total += bucket(i);
  return total;
}

std::span<const double> LatencyBuckets() {
  static constexpr std::array<double, 16> kBounds = {
      0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01,
      0.025,   0.05,   0.1,     0.25,   0.5,   1,      2.5,   10};
  return kBounds;
}

MetricsRegistry::Series& MetricsRegistry::Find(const std::string& name, const std::string& help,
                                               Type type, MetricLabels labels) {
  if (!ValidName(name)) throw std::logic_error("invalid metric name: " + name);
  auto [family, created] = families_.try_emplace(name, Family{type, help, {}});
  if (created) order_.push_back(name);
  if (family->second.type != type) {
    throw std::logic_error("metric " + name + " registered with two types");
  }
  std::string key = RenderLabels(labels);
  auto [series, added] = family->second.series.try_emplace(std::move(key));
  if (added) series->second.labels = std::move(labels);
  return series->second;
}

Counter& MetricsRegistry::AddCounter(const std::string& name, const std::string& help,
                                     MetricLabels labels) {
  std::lock_guard lock(mutex_);
  Series& series = Find(name, help, Type::kCounter, std::move(labels));
  if (!series.counter) series.counter = std::make_unique<Counter>();
  return *series.counter;
}

Histogram& MetricsRegistry::AddHistogram(const std::string& name, const std::string& help,
                                         std::span<const double> bounds, MetricLabels labels) {
  std::lock_guard lock(mutex_);
  Series& series = Find(name, help, Type::kHistogram, std::move(labels));
  if (!series.histogram) series.histogram = std::make_unique<Histogram>(bounds);
  return *series.histogram;
}

void MetricsRegistry::AddGauge(const std::string& name, const std::string& help,
                               MetricLabels labels, std::function<double()> read) {
  std::lock_guard lock(mutex_);
  Find(name, help, Type::kGauge, std::move(labels)).read = std::move(read);
}

void MetricsRegistry::AddCounterFunction(const std::string& name, const std::string& help,
                                         MetricLabels labels, std::function<double()> read) {
  std::lock_guard lock(mutex_);
  Find(name, help, Type::kCounter, std::move(labels)).read = std::move(read);
}

std::string MetricsRegistry::Render() const {
  std::lock_guard lock(mutex_);
  std::string out;
  for (const std::string& name : order_) {
    const Family& family = families_.at(name);
    out += "# HELP " + name + ' ' + Escaped(family.help, false) + '\n';
    out += "# TYPE " + name + ' ' + TypeName(static_cast<int>(family.type)) + '\n';
    for (const auto& [labels, series] : family.series) {
      if (series.counter)
        out += name + labels + ' ' + std::to_string(series.counter->value()) + '\n';
      if (series.read) out += name + labels + ' ' + Number(series.read()) + '\n';
      if (!series.histogram) continue;
      const Histogram& histogram = *series.histogram;
      uint64_t cumulative = 0;
      for (std::size_t i = 0; i <= histogram.bounds().size(); ++i) {
        cumulative += histogram.bucket(i);
        const std::string le =
            i < histogram.bounds().size() ? Number(histogram.bounds()[i]) : std::string("+Inf");
        out += name + "_bucket" + RenderLabels(series.labels, "le=\"" + le + '"') + ' ' +
               std::to_string(cumulative) + '\n';
      }
      out += name + "_sum" + labels + ' ' + Number(histogram.sum()) + '\n';
      out += name + "_count" + labels + ' ' + std::to_string(cumulative) + '\n';
    }
  }
  return out;
}

}  // namespace coffer::common
