#pragma once

#include <cstddef>
#include <cstdint>
#include <exception>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "common/completion.hpp"
#include "common/metrics.hpp"
#include "store/audit.hpp"
#include "store/lookup_cache.hpp"
#include "store/meta.hpp"
#include "store/outcome.hpp"
#include "store/sqlite/connection.hpp"
#include "store/sqlite/sqlite_audit.hpp"
#include "store/sqlite/write_queue.hpp"

namespace coffer::store::sqlite {

struct SqliteOptions {
  // Database file; created if missing.
  std::string path;
  // How long a write waits for another process (an operator command) to release the lock.
  int busy_timeout_ms = 5000;
  // Reader connections kept open between requests; more are opened on demand.
  std::size_t max_idle_readers = 16;
  // Writes that may share one transaction and one sync (group commit).
  std::size_t max_write_batch = 256;
  // Where commits are reported (store_metrics.hpp); null: nowhere. Must outlive the store.
  common::MetricsRegistry* metrics = nullptr;
};

// The connections of one SQLite store, shared by its areas: one SQLite file in WAL mode with
// synchronous=FULL, so a committed transaction is on stable storage. Writes go through a
// WriteQueue (group commit on one writer connection); readers use pooled connections of their
// own and never wait for the writer. Thread-safe.
class Database {
 public:
  // Opens the database and applies pending schema migrations. Throws StoreError.
  explicit Database(SqliteOptions options);
  // Finishes the queued writes before the writer connection closes.
  ~Database();
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  // The file that serving leases and master-key rotations lock (MetaStore::HoldServingLease):
  // coffer.lock beside the database file.
  std::string lock_path() const;

  // Runs `read(Connection&)` on a reader connection inside one read transaction, so all its
  // statements see the same committed snapshot.
  template <typename F>
  auto Read(F&& read) {
    lookups_.StatementStarting();
    if (Connection* shared = SharedConnection()) return read(*shared);
    ReaderLease lease(*this);
    ReadTransaction snapshot(lease.connection());
    auto result = read(lease.connection());
    snapshot.Commit();
    return result;
  }

  // Until the returned scope ends, Read() on this thread runs on one reader connection inside one
  // read transaction (MetaStore::ShareSnapshot). Null when this thread has a scope open already.
  std::unique_ptr<SharedSnapshot> ShareSnapshot();

  // Runs `write(Connection&)` on the writer connection as part of the next group commit and
  // returns once it is durable. If `write` throws, its changes are rolled back alone and the
  // exception rethrown, except that a write returning an outcome answers kConflict when one of
  // its statements broke a uniqueness rule.
  //
  // With an AuditScope pending on this thread, a successful write also appends the scope's
  // record in its own savepoint (store/audit.hpp); if that fails, the write fails with it.
  template <typename F>
  auto Write(F&& write) {
    ConfirmLookups();
    if (AuditScope* scope = AuditScope::Pending()) {
      const AuditAppend record = scope->Make();  // on this thread: the call as known now
      if constexpr (std::is_void_v<decltype(write(std::declval<Connection&>()))>) {
        Submit([&](Connection& c) {
          write(c);
          AppendAuditRow(c, record, scope->chain());
        });
        scope->set_appended();
        return;
      } else {
        auto answer = Submit([&](Connection& c) {
          auto result = write(c);
          if (Succeeded(result)) AppendAuditRow(c, record, scope->chain());
          return result;
        });
        if (Succeeded(answer)) scope->set_appended();
        return answer;
      }
    }
    return Submit(std::forward<F>(write));
  }

  // Write() without the audit scope: the group commit, and kConflict for a uniqueness rule.
  template <typename F>
  auto Submit(F&& write) {
    using Answer = decltype(write(std::declval<Connection&>()));
    if constexpr (std::is_constructible_v<Answer, Outcome>) {
      try {
        return write_queue_->Submit(std::forward<F>(write));
      } catch (const UniqueViolation&) {
        return Answer(Outcome::kConflict);
      }
    } else {
      return write_queue_->Submit(std::forward<F>(write));
    }
  }

  // Write() of data an application owns: answers kApplicationGone, changing nothing, when the
  // application no longer exists inside the write's transaction.
  template <typename F>
  auto WriteOwnedBy(int64_t application_id, F&& write) {
    return Write([application_id, &write](Connection& c) {
      using Answer = decltype(write(c));
      if (!ApplicationExists(c, application_id)) return Answer(Outcome::kApplicationGone);
      return write(c);
    });
  }

  // Write() without waiting: `write` runs in the next group commit, and once that is durable (or
  // has failed) the writer thread tells `done` its answer, kConflict likewise, or the exception.
  // `done` must be quick (see WriteQueue::SubmitAsync). `write` must own what it uses.
  template <typename Answer, typename F>
  void WriteAsync(F write, common::Completion<Answer> done) {
    try {
      ConfirmLookups();
    } catch (const StoreError&) {
      return done(std::current_exception());  // nothing was queued
    }
    auto answer = std::make_shared<std::optional<Answer>>();
    write_queue_->SubmitAsync(
        [answer, write = std::move(write)](Connection& c) { answer->emplace(write(c)); },
        [answer, done = std::move(done)](std::exception_ptr failure) {
          if (!failure) return done(std::move(**answer));
          try {
            std::rethrow_exception(failure);
          } catch (const UniqueViolation&) {
            if constexpr (std::is_constructible_v<Answer, Outcome>) {
              return done(Answer(Outcome::kConflict));
            } else {
              return done(std::current_exception());
            }
          } catch (...) {
            return done(std::current_exception());
          }
        });
  }

  // WriteOwnedBy() without waiting, as WriteAsync().
  template <typename Answer, typename F>
  void WriteOwnedByAsync(int64_t application_id, F write, common::Completion<Answer> done) {
    WriteAsync<Answer>(
        [application_id, write = std::move(write)](Connection& c) {
          if (!ApplicationExists(c, application_id)) return Answer(Outcome::kApplicationGone);
          return Answer(write(c));
        },
        std::move(done));
  }

  // The keys and applications this store read last (store/lookup_cache.hpp). A read reports the
  // generation it saw with ObserveGeneration (in its own transaction, so its snapshot). A write
  // (Write, WriteAsync) made in a CachedLookups scope that answered from the cache first checks
  // that those rows are current, and throws StaleLookups otherwise: the check and the scope's
  // reads share the scope's snapshot, and the write runs after it, as any write does after the
  // checks made in its caller's snapshot.
  LookupCache& lookups() { return lookups_; }
  // Reads the lookup generation in `c`'s current transaction and reports it; returns it.
  int64_t ObserveGeneration(Connection& c);
  // MetaStore::CacheLookups.
  std::unique_ptr<CachedLookups> CacheLookups();

  // Whether the application exists, as `c`'s current transaction sees it.
  static bool ApplicationExists(Connection& c, int64_t application_id);

  // Throws StaleLookups when a service key or application the CachedLookups scope on this thread
  // answered from the cache changed meanwhile (as Write and WriteAsync check before queueing).
  void ConfirmLookups();

  // The group commit itself (WriteQueue::SubmitAsync), without WriteAsync's lookup check and
  // answer: for a writer that checks for itself and groups its own work (SqliteAudit).
  void SubmitAsync(std::function<void(Connection&)> write,
                   std::function<void(std::exception_ptr)> done) {
    write_queue_->SubmitAsync(std::move(write), std::move(done));
  }

  // Group-commit statistics: batches committed and writes they held.
  std::size_t committed_batches() const { return write_queue_->batches(); }
  std::size_t committed_writes() const { return write_queue_->writes(); }

 private:
  // A reader connection borrowed from the pool for one call.
  class ReaderLease {
   public:
    explicit ReaderLease(Database& database);
    ~ReaderLease();
    Connection& connection() { return *connection_; }

   private:
    Database& database_;
    std::unique_ptr<Connection> connection_;
  };

  class SnapshotScope;
  // The connection of this thread's open SnapshotScope on this database, or null.
  Connection* SharedConnection() const;

  SqliteOptions options_;
  std::unique_ptr<Connection> writer_;
  std::unique_ptr<WriteQueue> write_queue_;
  std::mutex readers_mutex_;
  std::vector<std::unique_ptr<Connection>> idle_readers_;
  LookupCache lookups_;
};

}  // namespace coffer::store::sqlite
