#include "common/metrics.hpp"

#include <gtest/gtest.h>

#include <array>
#include <stdexcept>
#include <thread>
#include <vector>

namespace coffer::common {
namespace {

TEST(MetricsRegistryTest, RendersEachTypeInTheTextFormat) {
  MetricsRegistry registry;
  registry.AddCounter("things_total", "Things.", {{"kind", "a"}}).Add(3);
  registry.AddCounter("things_total", "Things.", {{"kind", "b"}}).Add();
  registry.AddGauge("level", "A level.", {}, [] { return 2.5; });
  static constexpr std::array<double, 3> kBounds = {0.001, 0.01, 1};
  Histogram& histogram = registry.AddHistogram("wait_seconds", "Waits.", kBounds);
  histogram.Observe(0.0005);
  histogram.Observe(0.001);  // on a bound: counted in it (le)
  histogram.Observe(0.5);
  histogram.Observe(7);
  registry.AddCounterFunction("kept_elsewhere_total", "Counted elsewhere.", {{"x", "1"}},
                              [] { return 9.0; });
  EXPECT_EQ(registry.Render(),
            "# HELP things_total Things.\n"
            "# TYPE things_total counter\n"
            "things_total{kind=\"a\"} 3\n"
            "things_total{kind=\"b\"} 1\n"
            "# HELP level A level.\n"
            "# TYPE level gauge\n"
            "level 2.5\n"
            "# HELP wait_seconds Waits.\n"
            "# TYPE wait_seconds histogram\n"
            "wait_seconds_bucket{le=\"0.001\"} 2\n"
            "wait_seconds_bucket{le=\"0.01\"} 2\n"
            "wait_seconds_bucket{le=\"1\"} 3\n"
            "wait_seconds_bucket{le=\"+Inf\"} 4\n"
            "wait_seconds_sum 7.5015\n"
            "wait_seconds_count 4\n"
            "# HELP kept_elsewhere_total Counted elsewhere.\n"
            "# TYPE kept_elsewhere_total counter\n"
            "kept_elsewhere_total{x=\"1\"} 9\n");
}

TEST(MetricsRegistryTest, TheSameNameAndLabelsGiveTheSameMetric) {
  MetricsRegistry registry;
  Counter& first = registry.AddCounter("c_total", "C.", {{"a", "1"}});
  Counter& again = registry.AddCounter("c_total", "C.", {{"a", "1"}});
  Counter& other = registry.AddCounter("c_total", "C.", {{"a", "2"}});
  EXPECT_EQ(&first, &again);
  EXPECT_NE(&first, &other);
}

TEST(MetricsRegistryTest, HistogramLabelsComeBeforeLe) {
  MetricsRegistry registry;
  static constexpr std::array<double, 1> kBounds = {1};
  registry.AddHistogram("h", "H.", kBounds, {{"method", "Get"}}).Observe(2);
  const std::string text = registry.Render();
  EXPECT_NE(text.find("h_bucket{method=\"Get\",le=\"1\"} 0\n"), std::string::npos) << text;
  EXPECT_NE(text.find("h_bucket{method=\"Get\",le=\"+Inf\"} 1\n"), std::string::npos);
  EXPECT_NE(text.find("h_sum{method=\"Get\"} 2\n"), std::string::npos);
  EXPECT_NE(text.find("h_count{method=\"Get\"} 1\n"), std::string::npos);
}

TEST(MetricsRegistryTest, LabelValuesAndHelpAreEscaped) {
  MetricsRegistry registry;
  registry.AddCounter("e_total", "Line one\nback\\slash \"quoted\"", {{"v", "a\"b\\c\nd"}});
  EXPECT_EQ(registry.Render(),
            "# HELP e_total Line one\\nback\\\\slash \"quoted\"\n"
            "# TYPE e_total counter\n"
            "e_total{v=\"a\\\"b\\\\c\\nd\"} 0\n");
}

TEST(MetricsRegistryTest, MisuseIsRefused) {
  MetricsRegistry registry;
  registry.AddCounter("taken", "T.");
  EXPECT_THROW(registry.AddGauge("taken", "T.", {}, [] { return 0.0; }), std::logic_error);
  for (const char* bad : {"", "9lives", "has space", "dash-ed", "new\nline"}) {
    EXPECT_THROW(registry.AddCounter(bad, "B."), std::logic_error) << bad;
  }
  static constexpr std::array<double, 2> kFalling = {2, 1};
  static constexpr std::array<double, 2> kRepeated = {1, 1};
  EXPECT_THROW(Histogram{kFalling}, std::logic_error);
  EXPECT_THROW(Histogram{kRepeated}, std::logic_error);
}

TEST(MetricsRegistryTest, NumbersReadBackExactly) {
  MetricsRegistry registry;
  registry.AddGauge("small", "S.", {}, [] { return 0.00005; });
  registry.AddGauge("large", "L.", {}, [] { return 1e300; });
  registry.AddGauge("nan", "N.", {}, [] { return std::numeric_limits<double>::quiet_NaN(); });
  registry.AddGauge("inf", "I.", {}, [] { return -std::numeric_limits<double>::infinity(); });
  const std::string text = registry.Render();
  EXPECT_NE(text.find("small 0.00005\n"), std::string::npos) << text;
  EXPECT_NE(text.find("large 1e+300\n"), std::string::npos);
  EXPECT_NE(text.find("nan NaN\n"), std::string::npos);
  EXPECT_NE(text.find("inf -Inf\n"), std::string::npos);
}

TEST(MetricsRegistryTest, ConcurrentUpdatesAreAllCounted) {
  MetricsRegistry registry;
  Counter& counter = registry.AddCounter("n_total", "N.");
  Histogram& histogram = registry.AddHistogram("d_seconds", "D.", LatencyBuckets());
  constexpr int kThreads = 4;
  constexpr int kEach = 20000;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < kEach; ++i) {
        counter.Add();
        histogram.Observe(0.001);
        if (i % 1000 == 0) registry.Render();  // scrapes meanwhile
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(counter.value(), uint64_t{kThreads * kEach});
  EXPECT_EQ(histogram.count(), uint64_t{kThreads * kEach});
  EXPECT_NEAR(histogram.sum(), kThreads * kEach * 0.001, 1e-6);
}

}  // namespace
}  // namespace coffer::common
