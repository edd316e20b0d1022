#include "store/postgres/database.hpp"

#include <set>

#include "store/postgres/migrations.hpp"

namespace coffer::store::postgres {

std::vector<std::string> TextOnly(const std::vector<std::string>& names) {
  std::vector<std::string> text;
  for (const auto& name : names) {
    if (IsText(name)) text.push_back(name);
  }
  return text;
}

LockedSelection MatchSelection(const Rows& selected, const std::vector<int64_t>& ids,
                               const std::vector<std::string>& names) {
  LockedSelection locked;
  std::set<int64_t> found_ids;
  std::set<std::string> found_names;
  for (int row = 0; row < selected.size(); ++row) {
    locked.ids.push_back(selected.Int(row, 0));
    found_ids.insert(locked.ids.back());
    found_names.insert(selected.Bytes(row, 1));
  }
  for (const int64_t id : ids) {
    if (!found_ids.contains(id)) return {SelectionOutcome::Missing(SelectionList::kIds), {}};
  }
  for (const auto& name : names) {
    if (!found_names.contains(name)) return {SelectionOutcome::Missing(SelectionList::kNames), {}};
  }
  return locked;
}

Transaction::Transaction(Connection& connection) : connection_(connection) {
  connection_.Script("BEGIN");
}

Transaction::~Transaction() {
  if (done_ || connection_.broken()) return;
  try {
    connection_.Script("ROLLBACK");
  } catch (const StoreError&) {
    // The pool drops a connection still inside a transaction; nothing was committed.
  }
}

void Transaction::Commit() {
  done_ = true;
  connection_.Script("COMMIT");
}

namespace {

PoolOptions PoolFor(const PostgresOptions& options) {
  if (options.url.empty()) throw StoreError("no PostgreSQL connection URL given");
  return PoolOptions{
      .connection = {.url = options.url, .connect_timeout_s = options.connect_timeout_s},
      .max_connections = options.pool_size,
      .acquire_timeout = options.acquire_timeout};
}

}  // namespace

Database::Database(PostgresOptions options)
    : options_(std::move(options)),
      pool_(PoolFor(options_)),
      commits_(RegisterCommitMetrics(options_.metrics)) {
  {
    Pool::Lease lease = pool_.Acquire();
    Migrate(*lease);
  }
  RegisterPoolMetrics();
}

void Database::NoteCommit(std::chrono::steady_clock::time_point began) {
  if (commits_.duration != nullptr) {
    commits_.duration->Observe(
        std::chrono::duration<double>(std::chrono::steady_clock::now() - began).count());
  }
  // PostgreSQL groups concurrent commits into one sync itself; each of ours holds one write.
  if (commits_.batch_size != nullptr) commits_.batch_size->Observe(1);
}

void Database::RegisterPoolMetrics() {
  common::MetricsRegistry* registry = options_.metrics;
  if (registry == nullptr) return;
  const std::string connections_help = "Database connections this node holds.";
  registry->AddGauge("coffer_db_pool_connections", connections_help, {{"state", "open"}},
                     [this] { return double(pool_.usage().open); });
  registry->AddGauge("coffer_db_pool_connections", connections_help, {{"state", "in_use"}},
                     [this] { return double(pool_.usage().leased); });
  registry->AddGauge("coffer_db_pool_max_connections", "The most connections the pool opens.", {},
                     [this] { return double(options_.pool_size); });
  const std::string errors_help =
      "Connections that failed to open, and calls that waited for a free connection in vain.";
  registry->AddCounterFunction("coffer_db_pool_errors_total", errors_help, {{"kind", "connect"}},
                               [this] { return double(pool_.usage().connect_failures); });
  registry->AddCounterFunction("coffer_db_pool_errors_total", errors_help, {{"kind", "timeout"}},
                               [this] { return double(pool_.usage().timeouts); });
}

Database::~Database() = default;

void Database::ConfirmLookups() {
  if (!lookups_.CurrentBeforeStatement()) {
    throw StaleLookups("a cached service key or application changed meanwhile");
  }
}

std::unique_ptr<CachedLookups> Database::CacheLookups() {
  return lookups_.Scope([this] {
    return RunObserving(
        [](Connection& c) { return c.Exec("SELECT value FROM lookup_generation").Int(0, 0); });
  });
}

}  // namespace coffer::store::postgres
