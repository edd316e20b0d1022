#pragma once

#include "store/audit.hpp"
#include "store/postgres/connection.hpp"

namespace coffer::store::postgres {

class Database;

// Appends `record` to the chain inside the transaction open on `c`: locks the head row (held
// until that transaction ends, so appends from every node queue there), inserts the record after
// it and moves the head.
void AppendAuditRow(Connection& c, const AuditAppend& record, const AuditChain& chain);

// The audit log in the PostgreSQL database, one chain for every node.
class PostgresAudit final : public AuditStore {
 public:
  explicit PostgresAudit(Database& db) : db_(db) {}

  void Append(const AuditAppend& record, const AuditChain& chain) override;
  std::vector<AuditRow> Rows(int64_t after_seq, int64_t limit) override;
  AuditHead Head() override;

 private:
  Database& db_;
};

}  // namespace coffer::store::postgres
