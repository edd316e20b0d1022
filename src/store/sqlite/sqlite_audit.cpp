#include "store/sqlite/sqlite_audit.hpp"

#include "store/sqlite/database.hpp"

namespace coffer::store::sqlite {

void AppendAuditRow(Connection& writer, const AuditAppend& record, const AuditChain& chain) {
  StatementUse head(writer, "SELECT seq, hash FROM audit_head");
  if (!head.Step()) throw StoreError("the audit head row is missing");
  const int64_t seq = head.Int(0) + 1;
  const std::string prev_hash = head.Text(1);
  const std::string hash = chain(prev_hash, seq, record.entry);
  StatementUse insert(writer,
                      "INSERT INTO audit_log (seq, time, application_id, entry, prev_hash, hash) "
                      "VALUES (?, ?, ?, ?, ?, ?)");
  insert.Bind(1, seq).Bind(2, record.time);
  if (record.application_id) {
    insert.Bind(3, *record.application_id);
  } else {
    insert.BindNull(3);
  }
  insert.Bind(4, record.entry).Bind(5, prev_hash).Bind(6, hash).Run();
  StatementUse(writer, "UPDATE audit_head SET seq = ?, hash = ?").Bind(1, seq).Bind(2, hash).Run();
}

void SqliteAudit::Append(const AuditAppend& record, const AuditChain& chain) {
  const AuditScope::Aside aside;  // this write is the record itself
  db_.Write([&](Connection& c) {
    AppendAuditRow(c, record, chain);
    return true;
  });
}

void SqliteAudit::AppendAsync(AuditAppend record, AuditChain chain,
                              std::function<void(std::exception_ptr)> done) {
  db_.WriteAsync<bool>(
      [record = std::move(record), chain = std::move(chain)](Connection& c) {
        AppendAuditRow(c, record, chain);
        return true;
      },
      [done = std::move(done)](common::Completed<bool> completed) {
        std::exception_ptr failure;
        try {
          std::move(completed).Take();
        } catch (...) {
          failure = std::current_exception();
        }
        done(failure);  // once, outside the try: a `done` that throws is not told twice
      });
}

std::vector<AuditRow> SqliteAudit::Rows(int64_t after_seq, int64_t limit) {
  return db_.Read([&](Connection& c) {
    StatementUse select(c,
                        "SELECT seq, time, application_id, entry, prev_hash, hash FROM audit_log "
                        "WHERE seq > ? ORDER BY seq LIMIT ?");
    select.Bind(1, after_seq).Bind(2, limit);
    std::vector<AuditRow> rows;
    while (select.Step()) {
      AuditRow row{.seq = select.Int(0),
                   .time = select.Int(1),
                   .application_id = std::nullopt,
                   .entry = select.Text(3),
                   .prev_hash = select.Text(4),
                   .hash = select.Text(5)};
      if (!select.IsNull(2)) row.application_id = select.Int(2);
      rows.push_back(std::move(row));
    }
    return rows;
  });
}

AuditHead SqliteAudit::Head() {
  return db_.Read([](Connection& c) {
    StatementUse head(c, "SELECT seq, hash FROM audit_head");
    if (!head.Step()) throw StoreError("the audit head row is missing");
    return AuditHead{head.Int(0), head.Text(1)};
  });
}

}  // namespace coffer::store::sqlite
