#include "store/sqlite/database.hpp"

#include <filesystem>

#include "store/sqlite/migrations.hpp"
#include "store/store_metrics.hpp"

namespace coffer::store::sqlite {
namespace {

// SQLite's finding without its "*** in database main ***" heading, its lines joined.
std::string OneLine(const std::string& finding) {
  std::string line;
  std::size_t start = 0;
  while (start <= finding.size()) {
    std::size_t end = finding.find('\n', start);
    if (end == std::string::npos) end = finding.size();
    const std::string part = finding.substr(start, end - start);
    if (!part.empty() && !part.starts_with("***")) line += (line.empty() ? "" : "; ") + part;
    start = end + 1;
  }
  return line;
}

// A damaged file is refused before anything reads from it or writes to it, with SQLite's
// first finding. quick_check reads every page once (it skips only the check that index entries
// match their rows), so a server never starts on a file that would fail requests at random.
void RefuseIfCorrupt(Connection& connection, const std::string& path) {
  std::string finding;
  try {
    StatementUse check(connection, "PRAGMA quick_check(1)");
    finding = check.Step() ? OneLine(check.Text(0)) : "no answer from quick_check";
  } catch (const StoreError& e) {
    finding = e.what();
  }
  if (finding != "ok") {
    throw StoreError("database " + path + " is damaged (" + finding +
                     "); restore it from a backup");
  }
}

// The scope open on this thread, if any (Database::ShareSnapshot).
struct ActiveScope {
  const Database* database = nullptr;
  Connection* connection = nullptr;
};
thread_local ActiveScope active_scope;

}  // namespace

class Database::SnapshotScope final : public SharedSnapshot {
 public:
  explicit SnapshotScope(Database& database) : lease_(database), transaction_(lease_.connection()) {
    active_scope = {&database, &lease_.connection()};
  }
  // The read transaction ends before the connection returns to the pool: by its prepared
  // COMMIT, or else by the ReadTransaction's rollback.
  ~SnapshotScope() override {
    active_scope = {};
    try {
      transaction_.Commit();
    } catch (const StoreError&) {
      // It read only; the rollback ends it.
    }
  }
  SnapshotScope(const SnapshotScope&) = delete;
  SnapshotScope& operator=(const SnapshotScope&) = delete;

 private:
  ReaderLease lease_;
  ReadTransaction transaction_;
};

std::unique_ptr<SharedSnapshot> Database::ShareSnapshot() {
  if (active_scope.connection != nullptr) return nullptr;
  return std::make_unique<SnapshotScope>(*this);
}

void Database::ConfirmLookups() {
  if (!lookups_.CurrentBeforeStatement()) {
    throw StaleLookups("a cached service key or application changed meanwhile");
  }
}

int64_t Database::ObserveGeneration(Connection& c) {
  StatementUse query(c, "SELECT value FROM lookup_generation");
  if (!query.Step()) throw StoreError("the lookup generation row is missing");
  const int64_t generation = query.Int(0);
  lookups_.Observe(generation);
  return generation;
}

std::unique_ptr<CachedLookups> Database::CacheLookups() {
  return lookups_.Scope([this] {
    return Read([this](Connection& c) {
      StatementUse query(c, "SELECT value FROM lookup_generation");
      if (!query.Step()) throw StoreError("the lookup generation row is missing");
      return query.Int(0);
    });
  });
}

Connection* Database::SharedConnection() const {
  return active_scope.database == this ? active_scope.connection : nullptr;
}

Database::Database(SqliteOptions options) : options_(std::move(options)) {
  writer_ = std::make_unique<Connection>(options_.path, options_.busy_timeout_ms, false);
  RefuseIfCorrupt(*writer_, options_.path);
  Migrate(*writer_);
  write_queue_ = std::make_unique<WriteQueue>(*writer_, options_.max_write_batch,
                                              RegisterCommitMetrics(options_.metrics));
}

// The queue finishes pending writes before the writer connection closes.
Database::~Database() { write_queue_.reset(); }

std::string Database::lock_path() const {
  return (std::filesystem::path(options_.path).parent_path() / "coffer.lock").string();
}

bool Database::ApplicationExists(Connection& c, int64_t application_id) {
  return StatementUse(c, "SELECT 1 FROM applications WHERE id = ?").Bind(1, application_id).Step();
}

Database::ReaderLease::ReaderLease(Database& database) : database_(database) {
  {
    std::lock_guard lock(database_.readers_mutex_);
    if (!database_.idle_readers_.empty()) {
      connection_ = std::move(database_.idle_readers_.back());
      database_.idle_readers_.pop_back();
      return;
    }
  }
  connection_ = std::make_unique<Connection>(database_.options_.path,
                                             database_.options_.busy_timeout_ms, true);
}

Database::ReaderLease::~ReaderLease() {
  std::lock_guard lock(database_.readers_mutex_);
  if (database_.idle_readers_.size() < database_.options_.max_idle_readers) {
    database_.idle_readers_.push_back(std::move(connection_));
  }
}

}  // namespace coffer::store::sqlite
