#pragma once

#include "store/audit.hpp"
#include "store/sqlite/connection.hpp"

namespace coffer::store::sqlite {

class Database;

// Appends `record` to the chain inside the write transaction open on `writer`: reads the head,
// inserts the record after it and moves the head, all in that transaction.
void AppendAuditRow(Connection& writer, const AuditAppend& record, const AuditChain& chain);

// The audit log in the SQLite file. Appends go through the write queue, so concurrent ones
// share a commit and its sync with each other and with other writes.
class SqliteAudit final : public AuditStore {
 public:
  explicit SqliteAudit(Database& db) : db_(db) {}

  void Append(const AuditAppend& record, const AuditChain& chain) override;
  void AppendAsync(AuditAppend record, AuditChain chain,
                   std::function<void(std::exception_ptr)> done) override;
  std::vector<AuditRow> Rows(int64_t after_seq, int64_t limit) override;
  AuditHead Head() override;

 private:
  Database& db_;
};

}  // namespace coffer::store::sqlite
