#pragma once

#include <optional>
#include <vector>

#include "store/audit.hpp"
#include "store/batcher.hpp"
#include "store/postgres/connection.hpp"

namespace coffer::store::postgres {

class Database;

// Appends `record` to the chain inside the transaction open on `c`: locks the head row (held
// until that transaction ends, so appends from every node queue there), inserts the record after
// it and moves the head.
void AppendAuditRow(Connection& c, const AuditAppend& record, const AuditChain& chain);

// The audit log in the PostgreSQL database, one chain for every node. Appends of this node are
// grouped: a thread of its own writes every record waiting at that moment (up to kMaxBatch) in
// one statement after the head it remembers (one round trip and one commit), so concurrent
// appends share one commit instead of queueing on the head one commit at a time.
class PostgresAudit final : public AuditStore {
 public:
  explicit PostgresAudit(Database& db);

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
  static constexpr std::size_t kMaxBatch = 256;
  // Appends tried against the remembered head before one that locks it.
  static constexpr int kOptimisticAttempts = 3;

  void WriteBatch(std::vector<Pending>& batch);

  Database& db_;
  std::optional<AuditHead> head_;  // the head the batcher's thread last wrote or read; its own
  Batcher<Pending> batcher_;       // last: its thread starts once the rest is ready
};

}  // namespace coffer::store::postgres
