#include "store/store_metrics.hpp"

#include <array>

namespace coffer::store {

CommitMetrics RegisterCommitMetrics(common::MetricsRegistry* registry) {
  if (registry == nullptr) return {};
  static constexpr std::array<double, 9> kBatchSizes = {1, 2, 4, 8, 16, 32, 64, 128, 256};
  return CommitMetrics{
      &registry->AddHistogram("coffer_commit_batch_size",
                              "Writes sharing one commit and one sync (group commit).",
                              kBatchSizes),
      &registry->AddHistogram("coffer_commit_duration_seconds",
                              "Time from a write transaction's start to its durable commit.",
                              common::LatencyBuckets()),
      &registry->AddCounter("coffer_commit_failures_total",
                            "Write transactions that failed as a whole (rolled back).")};
}

}  // namespace coffer::store
