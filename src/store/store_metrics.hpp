#pragma once

#include "common/metrics.hpp"

namespace coffer::store {

// The families every backend reports its commits in (SPEC 16). All null without a registry.
struct CommitMetrics {
  common::Histogram* batch_size = nullptr;  // `coffer_commit_batch_size`: writes per commit
  common::Histogram* duration = nullptr;    // `coffer_commit_duration_seconds`
  common::Counter* failed = nullptr;        // `coffer_commit_failures_total`
};

// Registers CommitMetrics in `registry`, or returns them all null when it is null.
CommitMetrics RegisterCommitMetrics(common::MetricsRegistry* registry);

}  // namespace coffer::store
