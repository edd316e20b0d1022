#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "common/metrics.hpp"
#include "store/audit.hpp"
#include "store/lookup_cache.hpp"
#include "store/outcome.hpp"
#include "store/postgres/connection.hpp"
#include "store/postgres/pool.hpp"
#include "store/postgres/postgres_audit.hpp"
#include "store/store_metrics.hpp"

namespace coffer::store::postgres {

struct PostgresOptions {
  // libpq connection URI or key=value string; the PG* environment variables fill in what it
  // leaves out. Required.
  std::string url;
  // Most database connections this store opens (SPEC 15 `--db-pool`). At least 1.
  std::size_t pool_size = 16;
  // Seconds to wait for the server when connecting, unless `url` says otherwise. With
  // acquire_timeout and the connection's 6 s TCP user timeout, this keeps a request that meets
  // an unreachable database under SPEC 15's 10 s bound.
  int connect_timeout_s = 3;
  // How long a call waits for a free connection before StoreUnavailable.
  std::chrono::milliseconds acquire_timeout{4'000};
  // Times a write runs when the server keeps aborting it as a deadlock or serialization
  // failure, before StoreError.
  int max_attempts = 5;
  // Where the pool's use and the transactions' commits are reported (store_metrics.hpp); null:
  // nowhere. Must outlive the store, and render no more once the store is gone.
  common::MetricsRegistry* metrics = nullptr;
};

// `names` without the ones PostgreSQL cannot hold as text (IsText): they match nothing stored.
std::vector<std::string> TextOnly(const std::vector<std::string>& names);

// The rows (id, name) that a delete's locking SELECT found, checked against what the selection
// named: kOk with their ids, or the first list (ids checked first) with an entry that matched
// nothing.
struct LockedSelection {
  SelectionOutcome outcome;
  std::vector<int64_t> ids;
};
LockedSelection MatchSelection(const Rows& selected, const std::vector<int64_t>& ids,
                               const std::vector<std::string>& names);

// Rolls back the transaction it began unless Commit() was called.
class Transaction {
 public:
  // BEGIN (READ COMMITTED, the session default) on `connection`.
  explicit Transaction(Connection& connection);
  ~Transaction();
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  void Commit();

 private:
  Connection& connection_;
  bool done_ = false;
};

// The connections of one PostgreSQL store, shared by its areas. Writes are READ COMMITTED
// transactions made serializable by explicit row locks (docs/architecture.md, "Storage on
// PostgreSQL"); a statement on its own is its own transaction and sees one snapshot. A commit
// returns once it is durable (synchronous_commit on). Thread-safe.
class Database {
 public:
  // Connects, applies pending schema migrations (migrations.hpp) and keeps the connection for
  // the pool. Throws StoreError when the database cannot be reached or its schema is newer
  // than this build.
  explicit Database(PostgresOptions options);
  ~Database();
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  // Runs `run(Connection&)` on a pooled connection outside any explicit transaction: each
  // statement commits (or reads one snapshot) on its own. For reads and single-statement
  // writes. Answers as Transact. In a CachedLookups scope that answered from the cache, first
  // checks that those rows are current (StaleLookups otherwise).
  template <typename F>
  auto Run(F&& run) {
    ConfirmLookups();
    return RunObserving(std::forward<F>(run));
  }

  // Run() for one statement that also selects the lookup generation and reports it
  // (lookups().Observe): no check first. A write among them must, in the same statement, write
  // nothing unless the generation is lookups().ExpectedByWrite(), and then throw StaleLookups.
  template <typename F>
  auto RunObserving(F&& run) {
    Pool::Lease lease = pool_.Acquire();
    lookups_.StatementStarting();
    return Attempt([&] { return run(*lease); });
  }

  // Runs `write(Connection&)` inside one transaction on a pooled connection and commits when
  // its answer is a success (Succeeded), else rolls back. With an AuditScope pending on this
  // thread, a successful write appends the scope's record before it commits (store/audit.hpp). A
  // deadlock or serialization failure runs it again (so `write` and the callbacks it calls may run
  // more than once); a unique violation answers kConflict when the answer type holds an Outcome;
  // any other failure throws StoreError after the rollback.
  template <typename F>
  auto Transact(F&& write) {
    ConfirmLookups();
    AuditScope* audit = AuditScope::Pending();
    const std::optional<AuditAppend> record =
        audit != nullptr ? std::optional(audit->Make()) : std::nullopt;
    Pool::Lease lease = pool_.Acquire();
    lookups_.StatementStarting();
    const auto began = std::chrono::steady_clock::now();
    try {
      auto answer = Attempt([&] {
        Transaction transaction(*lease);
        auto answer = write(*lease);
        if (Succeeded(answer)) {
          if (record) AppendAuditRow(*lease, *record, audit->chain());
          transaction.Commit();
        }
        return answer;
      });
      if (Succeeded(answer)) {
        NoteCommit(began);
        if (audit != nullptr) audit->set_appended();
      }
      return answer;
    } catch (...) {
      if (commits_.failed != nullptr) commits_.failed->Add();
      throw;
    }
  }

  // Connections open now.
  std::size_t open_connections() const { return pool_.open(); }

  // The keys and applications this store read last (lookup_cache.hpp). A statement that also
  // selects `(SELECT value FROM lookup_generation)` reports it with lookups().Observe.
  LookupCache& lookups() { return lookups_; }
  // MetaStore::CacheLookups.
  std::unique_ptr<CachedLookups> CacheLookups();

  // How a connection of this store opens (for a session kept outside the pool).
  ConnectionOptions connection_options() const {
    return {.url = options_.url, .connect_timeout_s = options_.connect_timeout_s};
  }

  // Whether a serving lease of this store has lost its session and not yet taken it again
  // (serving_lease.hpp): until then no data key may be created.
  bool serving_lease_lapsed() const { return serving_lease_lapsed_; }
  void set_serving_lease_lapsed(bool lapsed) { serving_lease_lapsed_ = lapsed; }

 private:
  // Throws StaleLookups unless lookups_.CurrentBeforeStatement().
  void ConfirmLookups();
  // Reports a transaction that began at `began` and has committed.
  void NoteCommit(std::chrono::steady_clock::time_point began);
  // Registers the pool's gauges and counters in options_.metrics.
  void RegisterPoolMetrics();

  template <typename F>
  auto Attempt(F&& body) {
    using Answer = decltype(body());
    for (int attempt = 1;; ++attempt) {
      try {
        if constexpr (std::is_constructible_v<Answer, Outcome>) {
          try {
            return body();
          } catch (const UniqueViolation&) {
            return Answer(Outcome::kConflict);
          }
        } else {
          return body();
        }
      } catch (const TransientConflict&) {
        if (attempt >= options_.max_attempts) throw;
      }
    }
  }

  const PostgresOptions options_;
  Pool pool_;
  const CommitMetrics commits_;
  LookupCache lookups_;
  std::atomic<bool> serving_lease_lapsed_ = false;
};

}  // namespace coffer::store::postgres
