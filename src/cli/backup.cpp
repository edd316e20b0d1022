#include "cli/backup.hpp"

#include <spdlog/spdlog.h>
#include <sys/stat.h>

#include <algorithm>
#include <boost/json.hpp>
#include <condition_variable>
#include <filesystem>
#include <mutex>
#include <vector>

#include "cli/data_dir.hpp"
#include "store/backup.hpp"

namespace coffer::cli {

namespace {

namespace fs = std::filesystem;

constexpr std::string_view kScheduledPrefix = "coffer-";
constexpr std::string_view kScheduledSuffix = ".db";
constexpr const char* kBackupsTotal = "coffer_backups_total";
constexpr const char* kBackupsHelp = "Scheduled backups, by how they ended.";

void Print(std::ostream& out, const char* what, const store::BackupResult& result) {
  out << boost::json::serialize(boost::json::object{{"result", 1},
                                                    {what, result.path},
                                                    {"bytes", result.bytes},
                                                    {"schema_version", result.schema_version}})
      << "\n";
}

// `coffer-20261203T101500Z.db`: names sort as times do.
std::string ScheduledName(std::chrono::system_clock::time_point when) {
  const std::time_t seconds = std::chrono::system_clock::to_time_t(when);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char stamp[32];
  std::strftime(stamp, sizeof stamp, "%Y%m%dT%H%M%SZ", &utc);
  return std::string(kScheduledPrefix) + stamp + std::string(kScheduledSuffix);
}

bool IsScheduledName(const std::string& name) {
  return name.size() == kScheduledPrefix.size() + 16 + kScheduledSuffix.size() &&
         name.starts_with(kScheduledPrefix) && name.ends_with(kScheduledSuffix);
}

// Deletes the oldest scheduled backups in `dir` beyond `keep`.
void ApplyRetention(const std::string& dir, int keep) {
  std::vector<std::string> names;
  for (const auto& entry : fs::directory_iterator(dir)) {
    const std::string name = entry.path().filename().string();
    if (entry.is_regular_file() && IsScheduledName(name)) names.push_back(name);
  }
  std::sort(names.begin(), names.end());
  const std::size_t excess =
      names.size() > static_cast<std::size_t>(keep) ? names.size() - keep : 0;
  for (std::size_t i = 0; i < excess; ++i) {
    std::error_code ec;
    fs::remove(fs::path(dir) / names[i], ec);
    if (ec) spdlog::warn("cannot delete old backup {}: {}", names[i], ec.message());
  }
}

// Partial files a backup interrupted by a crash or a kill left behind (never a finished one).
void RemoveLeftovers(const std::string& dir) {
  for (const auto& entry : fs::directory_iterator(dir)) {
    const std::string name = entry.path().filename().string();
    if (!name.starts_with(kScheduledPrefix) || name.find(".db.partial-") == std::string::npos) {
      continue;
    }
    std::error_code ec;
    fs::remove(entry.path(), ec);
    if (!ec) spdlog::info("removed an unfinished backup: {}", name);
  }
}

}  // namespace

void BackupCommand(const BackupOptions& options, std::ostream& out) {
  const auto storage =
      StorageFor(options.storage.data_dir, options.storage.postgres_url, options.storage.db_pool);
  Print(out, "backup", store::Backup(storage, options.out));
}

void RestoreCommand(const RestoreOptions& options, std::ostream& out) {
  if (!options.storage.postgres_url.empty()) {
    store::Restore(options.from,
                   store::StorageOptions{.postgres_url = options.storage.postgres_url});
  }
  const fs::path dir = options.storage.data_dir;
  std::error_code ec;
  const bool existed = fs::exists(dir, ec);
  if (existed && !fs::is_empty(dir, ec)) {
    throw std::runtime_error("data directory " + dir.string() +
                             " is not empty; restore into a new directory");
  }
  PrepareDataDir(dir.string());
  try {
    Print(out, "restored", store::Restore(options.from, StorageIn(dir.string())));
  } catch (...) {
    if (!existed) fs::remove_all(dir, ec);
    throw;
  }
}

BackupSchedule::BackupSchedule(std::string database, std::string dir, std::chrono::seconds every,
                               int keep, common::MetricsRegistry& metrics)
    : database_(std::move(database)),
      dir_(std::move(dir)),
      keep_(keep),
      succeeded_(metrics.AddCounter(kBackupsTotal, kBackupsHelp, {{"result", "ok"}})),
      failed_(metrics.AddCounter(kBackupsTotal, kBackupsHelp, {{"result", "failed"}})) {
  std::error_code ec;
  const bool created = fs::create_directories(dir_, ec);
  if (ec || !fs::is_directory(dir_)) {
    throw std::runtime_error("cannot create the backup directory " + dir_ + ": " + ec.message());
  }
  if (created) ::chmod(dir_.c_str(), 0700);  // an existing directory keeps its owner's choice
  RemoveLeftovers(dir_);
  metrics.AddGauge("coffer_last_backup_timestamp_seconds",
                   "When the last scheduled backup succeeded (Unix time; 0: none yet).", {},
                   [this] { return last_success_.load(); });
  thread_ = std::jthread([this, every](std::stop_token stop) {
    std::mutex mutex;
    std::condition_variable_any wake;
    std::unique_lock lock(mutex);
    while (!wake.wait_for(lock, stop, every, [] { return false; }) && !stop.stop_requested()) {
      try {
        const std::string file = TakeOne();
        spdlog::info("scheduled backup written: {}", file);
      } catch (const std::exception& e) {
        failed_.Add();
        spdlog::error("scheduled backup failed: {}", e.what());
      }
    }
  });
}

std::string BackupSchedule::TakeOne() {
  const auto now = std::chrono::system_clock::now();
  const auto result = store::Backup(store::StorageOptions{.sqlite_path = database_},
                                    (fs::path(dir_) / ScheduledName(now)).string());
  succeeded_.Add();
  last_success_ = std::chrono::duration<double>(now.time_since_epoch()).count();
  ApplyRetention(dir_, keep_);
  return result.path;
}

}  // namespace coffer::cli
