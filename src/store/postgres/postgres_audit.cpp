#include "store/postgres/postgres_audit.hpp"

#include "store/postgres/database.hpp"

namespace coffer::store::postgres {

void AppendAuditRow(Connection& c, const AuditAppend& record, const AuditChain& chain) {
  const Rows head = c.Exec("SELECT seq, hash FROM audit_head FOR UPDATE");
  if (head.empty()) throw StoreError("the audit head row is missing");
  const int64_t seq = head.Int(0, 0) + 1;
  const std::string prev_hash = head.Bytes(0, 1);
  const std::string hash = chain(prev_hash, seq, record.entry);
  c.Exec(
      "WITH appended AS (INSERT INTO audit_log (seq, time, application_id, entry, prev_hash, hash) "
      "VALUES ($1, $2, $3, $4, $5, $6) RETURNING seq, hash) "
      "UPDATE audit_head SET seq = appended.seq, hash = appended.hash FROM appended",
      {Param::Int(seq), Param::Int(record.time), Param::OptionalInt(record.application_id),
       Param::Text(record.entry), Param::Text(prev_hash), Param::Text(hash)});
}

void PostgresAudit::Append(const AuditAppend& record, const AuditChain& chain) {
  const AuditScope::Aside aside;  // this write is the record itself
  db_.Transact([&](Connection& c) {
    AppendAuditRow(c, record, chain);
    return true;
  });
}

std::vector<AuditRow> PostgresAudit::Rows(int64_t after_seq, int64_t limit) {
  return db_.Run([&](Connection& c) {
    const postgres::Rows rows = c.Exec(
        "SELECT seq, time, application_id, entry, prev_hash, hash FROM audit_log "
        "WHERE seq > $1 ORDER BY seq LIMIT $2",
        {Param::Int(after_seq), Param::Int(limit)});
    std::vector<AuditRow> out;
    for (int i = 0; i < rows.size(); ++i) {
      AuditRow row{.seq = rows.Int(i, 0),
                   .time = rows.Int(i, 1),
                   .application_id = std::nullopt,
                   .entry = rows.Bytes(i, 3),
                   .prev_hash = rows.Bytes(i, 4),
                   .hash = rows.Bytes(i, 5)};
      if (!rows.IsNull(i, 2)) row.application_id = rows.Int(i, 2);
      out.push_back(std::move(row));
    }
    return out;
  });
}

AuditHead PostgresAudit::Head() {
  return db_.Run([](Connection& c) {
    const postgres::Rows head = c.Exec("SELECT seq, hash FROM audit_head");
    if (head.empty()) throw StoreError("the audit head row is missing");
    return AuditHead{head.Int(0, 0), head.Bytes(0, 1)};
  });
}

}  // namespace coffer::store::postgres
