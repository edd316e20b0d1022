#pragma once

#include <chrono>
#include <ostream>
#include <string>
#include <thread>

#include "cli/options.hpp"
#include "common/metrics.hpp"

namespace coffer::cli {

// `coffer backup`: prints `{"result": 1, "backup": FILE, "bytes": N, "schema_version": V}`.
// Throws std::runtime_error (a StoreError) with the reason, leaving no file, on failure.
void BackupCommand(const BackupOptions& options, std::ostream& out);

// `coffer restore`: refuses a data directory that exists and is not empty; otherwise creates it
// (0700) with the backup as its store and prints `{"result": 1, "restored": DB, ...}`. Throws
// std::runtime_error, leaving nothing it created, on failure.
void RestoreCommand(const RestoreOptions& options, std::ostream& out);

// `serve --backup-dir DIR --backup-every D --backup-keep N`: a thread that writes
// `DIR/coffer-YYYYMMDDTHHMMSSZ.db` every D (the first one D after start) and then deletes the
// oldest such files beyond N. Failures are logged and counted
// (`coffer_backups_total{result="failed"}`), never fatal. Stops when destroyed.
class BackupSchedule {
 public:
  // Creates DIR (0700) when missing; throws std::runtime_error when it cannot.
  BackupSchedule(std::string database, std::string dir, std::chrono::seconds every, int keep,
                 common::MetricsRegistry& metrics);

  // Takes one backup now and applies the retention; returns the file written. Throws on failure.
  std::string TakeOne();

 private:
  const std::string database_;
  const std::string dir_;
  const int keep_;
  common::Counter& succeeded_;
  common::Counter& failed_;
  std::atomic<double> last_success_{0};
  std::jthread thread_;  // last: stops before the members it uses go
};

}  // namespace coffer::cli
