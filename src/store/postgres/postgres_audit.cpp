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

// A batch's rows chained after `head`, as the array parameters of one INSERT.
struct ChainedRows {
  std::vector<int64_t> seqs, times;
  std::vector<std::optional<int64_t>> applications;
  std::vector<std::string> entries, prev_hashes, hashes;
  AuditHead head;  // the last row's: the new head

  std::vector<Param> Params() const {
    return {Param::IntArray(seqs),
            Param::IntArray(times),
            Param::Text(OptionalIntArray(applications)),
            Param::TextArray(entries),
            Param::TextArray(prev_hashes),
            Param::TextArray(hashes),
            Param::Int(head.seq),
            Param::Text(head.hash)};
  }
};

template <typename Batch>
ChainedRows Chain(const Batch& batch, AuditHead head) {
  ChainedRows rows;
  for (const auto& pending : batch) {
    ++head.seq;
    std::string hash = pending.chain(head.hash, head.seq, pending.record.entry);
    rows.seqs.push_back(head.seq);
    rows.times.push_back(pending.record.time);
    rows.applications.push_back(pending.record.application_id);
    rows.entries.push_back(pending.record.entry);
    rows.prev_hashes.push_back(std::exchange(head.hash, hash));
    rows.hashes.push_back(std::move(hash));
  }
  rows.head = std::move(head);
  return rows;
}

constexpr const char* kInsertRows =
    "INSERT INTO audit_log (seq, time, application_id, entry, prev_hash, hash) "
    "SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::text::bigint[], $4::text[], "
    "$5::text[], $6::text[])";

AuditHead ReadHead(Connection& c, bool lock) {
  const Rows head = c.Exec(lock ? "SELECT seq, hash FROM audit_head FOR UPDATE"
                                : "SELECT seq, hash FROM audit_head");
  if (head.empty()) throw StoreError("the audit head row is missing");
  return AuditHead{head.Int(0, 0), head.Bytes(0, 1)};
}

// Two statements whatever the batch's size, inside the caller's transaction: lock the head;
// insert every record and move it.
template <typename Batch>
void AppendAuditBatch(Connection& c, const Batch& batch) {
  const ChainedRows rows = Chain(batch, ReadHead(c, true));
  c.Exec((std::string("WITH appended AS (") + kInsertRows +
          ") UPDATE audit_head SET seq = $7, hash = $8")
             .c_str(),
         rows.Params());
}

// One statement, committed on its own: the batch after `head`, only if the head is still
// there (else nothing is written and it answers false). The head row's update waits for any
// transaction holding it and then sees the row as committed, so two appends never both pass.
template <typename Batch>
bool AppendAuditBatchAfter(Connection& c, const Batch& batch, const AuditHead& head,
                           AuditHead& new_head) {
  ChainedRows rows = Chain(batch, head);
  std::vector<Param> params = rows.Params();
  params.push_back(Param::Int(head.seq));
  params.push_back(Param::Text(head.hash));
  const Rows moved =
      c.Exec((std::string("WITH moved AS (UPDATE audit_head SET seq = $7, hash = $8 "
                          "WHERE seq = $9 AND hash = $10 RETURNING 1), appended AS (") +
              kInsertRows + " WHERE EXISTS (SELECT 1 FROM moved)) SELECT count(*) FROM moved")
                 .c_str(),
             params);
  if (moved.Int(0, 0) == 0) return false;
  new_head = std::move(rows.head);
  return true;
}

void AppendAuditRow(Connection& c, const AuditAppend& record, const AuditChain& chain) {
  struct One {
    const AuditAppend& record;
    const AuditChain& chain;
  };
  AppendAuditBatch(c, std::array<One, 1>{One{record, chain}});
}

PostgresAudit::PostgresAudit(Database& db)
    : db_(db), batcher_(kMaxBatch, [this](std::vector<Pending>& batch) { WriteBatch(batch); }) {}

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
  batcher_.Add(Pending{std::move(record), std::move(chain), std::move(done)});
}

void PostgresAudit::WriteBatch(std::vector<Pending>& batch) {
  std::exception_ptr failure;
  try {
    // Usually one round trip: the head this thread wrote last is still the head unless another
    // node or a write's own record moved it. After a few misses (a busy chain), lock it.
    bool written = false;
    for (int attempt = 0; attempt < kOptimisticAttempts && !written; ++attempt) {
      if (!head_) head_ = db_.Run([](Connection& c) { return ReadHead(c, false); });
      AuditHead moved;
      written =
          db_.Run([&](Connection& c) { return AppendAuditBatchAfter(c, batch, *head_, moved); });
      head_ = written ? std::optional(std::move(moved)) : std::nullopt;
    }
    if (!written) {
      db_.Transact([&](Connection& c) {
        AppendAuditBatch(c, batch);
        return true;
      });
    }
  } catch (...) {
    head_.reset();                       // the statement may or may not have committed
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
