#pragma once

#include <exception>
#include <functional>
#include <memory>
#include <mutex>
#include <span>
#include <vector>

#include "store/audit.hpp"
#include "store/sqlite/connection.hpp"

namespace coffer::store::sqlite {

class Database;

// One record to append, with the chain that hashes it.
struct ChainedAppend {
  const AuditAppend& record;
  const AuditChain& chain;
};

// Appends `records`, in order, to the chain inside the write transaction open on `writer`: reads
// the head once, inserts each record after the one before and moves the head once, all in that
// transaction.
void AppendAuditRows(Connection& writer, std::span<const ChainedAppend> records);
// AppendAuditRows() of one record.
void AppendAuditRow(Connection& writer, const AuditAppend& record, const AuditChain& chain);

// The audit log in the SQLite file. Appends go through the write queue, so concurrent ones
// share a commit and its sync with each other and with other writes. Asynchronous appends are
// also grouped into one write: the records waiting when it runs share one head read, one head
// update and one savepoint, so an audited read costs one INSERT in the writer, not five
// statements. A write that fails fails every record in it (fail closed: SPEC 16).
class SqliteAudit final : public AuditStore {
 public:
  explicit SqliteAudit(Database& db) : db_(db) {}

  void Append(const AuditAppend& record, const AuditChain& chain) override;
  void AppendAsync(AuditAppend record, AuditChain chain,
                   std::function<void(std::exception_ptr)> done) override;
  std::vector<AuditRow> Rows(int64_t after_seq, int64_t limit) override;
  AuditHead Head() override;

 private:
  struct Pending {
    AuditAppend record;
    AuditChain chain;
    std::function<void(std::exception_ptr)> done;
  };
  // Records taken by one queued write, and whether it ran (a batch that fails to begin tells
  // its writes without running them).
  struct Group {
    std::vector<Pending> records;
    bool ran = false;
  };

  // The records no queued write has taken yet. Shared with the queued writes, which may run
  // after this object is gone (the write queue drains when the Database closes).
  struct Waiting {
    std::mutex mutex;
    std::vector<Pending> records;  // guarded by mutex
    bool group_queued = false;     // guarded by mutex: a write that will take `records` is queued
  };

  // Queues the write that takes every waiting record; called with waiting_->mutex held.
  void QueueGroup();
  // Moves the waiting records into `group` and lets the next append queue a write again.
  static void Take(Waiting& waiting, Group& group);
  static void Tell(Group& group, std::exception_ptr failure);

  Database& db_;
  std::shared_ptr<Waiting> waiting_ = std::make_shared<Waiting>();
};

}  // namespace coffer::store::sqlite
