#include "store/sqlite/sqlite_audit.hpp"

#include <memory>
#include <string>
#include <utility>

#include "store/sqlite/database.hpp"

namespace coffer::store::sqlite {

void AppendAuditRows(Connection& writer, std::span<const ChainedAppend> records) {
  if (records.empty()) return;
  int64_t seq = 0;
  std::string hash;
  {
    StatementUse head(writer, "SELECT seq, hash FROM audit_head");
    if (!head.Step()) throw StoreError("the audit head row is missing");
    seq = head.Int(0);
    hash = head.Text(1);
  }
  for (const ChainedAppend& append : records) {
    std::string prev_hash = std::move(hash);
    ++seq;
    hash = append.chain(prev_hash, seq, append.record.entry);
    StatementUse insert(writer,
                        "INSERT INTO audit_log (seq, time, application_id, entry, prev_hash, hash) "
                        "VALUES (?, ?, ?, ?, ?, ?)");
    insert.Bind(1, seq).Bind(2, append.record.time);
    if (append.record.application_id) {
      insert.Bind(3, *append.record.application_id);
    } else {
      insert.BindNull(3);
    }
    insert.Bind(4, append.record.entry).Bind(5, prev_hash).Bind(6, hash).Run();
  }
  StatementUse(writer, "UPDATE audit_head SET seq = ?, hash = ?").Bind(1, seq).Bind(2, hash).Run();
}

void AppendAuditRow(Connection& writer, const AuditAppend& record, const AuditChain& chain) {
  const ChainedAppend one{record, chain};
  AppendAuditRows(writer, std::span(&one, 1));
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
  try {
    db_.ConfirmLookups();  // as WriteAsync would, for this record: the group's write checks none
  } catch (const StoreError&) {
    return done(std::current_exception());  // nothing was queued
  }
  std::unique_lock lock(waiting_->mutex);
  waiting_->records.push_back(Pending{std::move(record), std::move(chain), std::move(done)});
  if (waiting_->group_queued) return;  // the queued group takes it
  // Queued under the lock, so no later write of this thread can overtake its record. (The
  // writer thread takes this lock only while holding none of the queue's.)
  try {
    QueueGroup();
    waiting_->group_queued = true;
  } catch (...) {
    Group unqueued;
    unqueued.records.swap(waiting_->records);
    lock.unlock();
    Tell(unqueued, std::current_exception());
  }
}

void SqliteAudit::QueueGroup() {
  // The group is taken when its write runs, not now: records that arrive until then join it.
  auto group = std::make_shared<Group>();
  db_.SubmitAsync(
      [waiting = waiting_, group](Connection& c) {
        if (!group->ran) Take(*waiting, *group);  // once, should the write ever run again
        group->ran = true;
        std::vector<ChainedAppend> appends;
        appends.reserve(group->records.size());
        for (const Pending& pending : group->records) {
          appends.push_back(ChainedAppend{pending.record, pending.chain});
        }
        AppendAuditRows(c, appends);
      },
      [waiting = waiting_, group](std::exception_ptr failure) {
        // A batch that failed to begin never ran the write; its records are still waiting, and
        // nothing else will take them.
        if (!group->ran) Take(*waiting, *group);
        Tell(*group, failure);
      });
}

void SqliteAudit::Take(Waiting& waiting, Group& group) {
  std::lock_guard lock(waiting.mutex);
  group.records.swap(waiting.records);
  waiting.group_queued = false;
}

void SqliteAudit::Tell(Group& group, std::exception_ptr failure) {
  for (Pending& pending : group.records) {
    try {
      pending.done(failure);
    } catch (...) {
      // A completion must not throw; one that does loses its own answer, not the others'.
    }
  }
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
