#include "store/postgres/postgres_audit.hpp"

#include <array>
#include <future>

#include "store/postgres/database.hpp"

namespace coffer::store::postgres {

namespace {

// `{1,NULL,3}`: a bigint[] literal with NULL elements.
std::string OptionalIntArray(const std::vector<std::optional<int64_t>>& values) {
  std::string literal = "{";
  for (const auto& value : values) {
    if (literal.size() > 1) literal += ',';
    literal += value ? std::to_string(*value) : "NULL";
  }
  return literal + "}";
}

}  // namespace

template <typename Batch>
void AppendAuditBatch(Connection& c, const Batch& batch) {
  // Two statements whatever the batch's size: lock the head; insert every record and move it.
  const Rows head = c.Exec("SELECT seq, hash FROM audit_head FOR UPDATE");
  if (head.empty()) throw StoreError("the audit head row is missing");
  int64_t seq = head.Int(0, 0);
  std::string prev_hash = head.Bytes(0, 1);
  std::vector<int64_t> seqs, times;
  std::vector<std::optional<int64_t>> applications;
  std::vector<std::string> entries, prev_hashes, hashes;
  for (const auto& pending : batch) {
    ++seq;
    std::string hash = pending.chain(prev_hash, seq, pending.record.entry);
    seqs.push_back(seq);
    times.push_back(pending.record.time);
    applications.push_back(pending.record.application_id);
    entries.push_back(pending.record.entry);
    prev_hashes.push_back(std::exchange(prev_hash, hash));
    hashes.push_back(std::move(hash));
  }
  c.Exec(
      "WITH appended AS (INSERT INTO audit_log (seq, time, application_id, entry, prev_hash, "
      "hash) SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::text::bigint[], $4::text[], "
      "$5::text[], $6::text[])) "
      "UPDATE audit_head SET seq = $7, hash = $8",
      {Param::IntArray(seqs), Param::IntArray(times), Param::Text(OptionalIntArray(applications)),
       Param::TextArray(entries), Param::TextArray(prev_hashes), Param::TextArray(hashes),
       Param::Int(seq), Param::Text(prev_hash)});
}

void AppendAuditRow(Connection& c, const AuditAppend& record, const AuditChain& chain) {
  struct One {
    const AuditAppend& record;
    const AuditChain& chain;
  };
  AppendAuditBatch(c, std::array<One, 1>{One{record, chain}});
}

PostgresAudit::PostgresAudit(Database& db) : db_(db), thread_([this] { Loop(); }) {}

PostgresAudit::~PostgresAudit() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_one();
  thread_.join();
}

void PostgresAudit::Append(const AuditAppend& record, const AuditChain& chain) {
  std::promise<void> written;
  AppendAsync(record, chain, [&written](std::exception_ptr failure) {
    if (failure) {
      written.set_exception(failure);
    } else {
      written.set_value();
    }
  });
  written.get_future().get();
}

void PostgresAudit::AppendAsync(AuditAppend record, AuditChain chain,
                                std::function<void(std::exception_ptr)> done) {
  {
    std::lock_guard lock(mutex_);
    queue_.push_back(Pending{std::move(record), std::move(chain), std::move(done)});
  }
  wake_.notify_one();
}

void PostgresAudit::Loop() {
  std::vector<Pending> batch;
  for (;;) {
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping, and nothing left to write
      while (!queue_.empty() && batch.size() < kMaxBatch) {
        batch.push_back(std::move(queue_.front()));
        queue_.pop_front();
      }
    }
    WriteBatch(batch);
    batch.clear();
  }
}

void PostgresAudit::WriteBatch(std::vector<Pending>& batch) {
  std::exception_ptr failure;
  try {
    db_.Transact([&](Connection& c) {
      AppendAuditBatch(c, batch);
      return true;
    });
  } catch (...) {
    failure = std::current_exception();  // the whole batch rolled back: every caller hears it
  }
  for (Pending& pending : batch) {
    try {
      pending.done(failure);
    } catch (...) {
      // A completion must not throw; one that does loses its own answer, not the thread.
    }
  }
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
