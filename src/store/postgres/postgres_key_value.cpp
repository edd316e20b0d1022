// Key-value items of PostgresStore. Every call is one statement: one snapshot for a read, one
// atomic write that share-locks its application row first (a concurrent delete of the
// application waits for it, or it finds the application gone). Puts waiting at one moment share
// one statement.

#include "store/postgres/postgres_key_value.hpp"

namespace coffer::store::postgres {

namespace {

// The smallest byte string greater than every string starting with `prefix`: the prefix with
// its last byte incremented (trailing 0xFF bytes dropped first). Empty means "no upper bound".
std::string PrefixUpperBound(std::string_view prefix) {
  std::string bound(prefix);
  while (!bound.empty() && static_cast<unsigned char>(bound.back()) == 0xFF) bound.pop_back();
  if (!bound.empty()) {
    bound.back() = static_cast<char>(static_cast<unsigned char>(bound.back()) + 1);
  }
  return bound;
}

// Both walk the primary key from the prefix (keys are bytea: byte order, no wildcards). The
// application row comes first so an empty page can tell "no items" from "no application".
constexpr const char* kListBounded =
    "SELECT i.key, i.value, i.expires_at FROM applications a LEFT JOIN LATERAL ("
    "SELECT key, CASE WHEN $7 THEN value END AS value, expires_at FROM kv_items "
    "WHERE application_id = a.id AND key >= $2 AND key < $3 AND expires_at > $4 "
    "ORDER BY key LIMIT $5 OFFSET $6) i ON true WHERE a.id = $1 ORDER BY i.key";
constexpr const char* kListUnbounded =
    "SELECT i.key, i.value, i.expires_at FROM applications a LEFT JOIN LATERAL ("
    "SELECT key, CASE WHEN $6 THEN value END AS value, expires_at FROM kv_items "
    "WHERE application_id = a.id AND key >= $2 AND expires_at > $3 "
    "ORDER BY key LIMIT $4 OFFSET $5) i ON true WHERE a.id = $1 ORDER BY i.key";

// See WriteGroupedPuts. Answers, per item in order, whether its application exists and the
// generation the statement saw.
constexpr const char* kPutGroup =
    "WITH input AS (SELECT * FROM unnest($1::bigint[], $2::bytea[], $3::bytea[], $4::bigint[], "
    "$5::bigint[]) WITH ORDINALITY AS t(application_id, key, value, expires_at, expected, ord)), "
    "generation AS (SELECT value FROM lookup_generation), "
    "apps AS (SELECT id FROM applications WHERE id = ANY($1::bigint[]) ORDER BY id "
    "FOR KEY SHARE NOWAIT), "
    "written AS (INSERT INTO kv_items (application_id, key, value, expires_at) "
    "SELECT DISTINCT ON (application_id, key) application_id, key, value, expires_at FROM input "
    "WHERE application_id IN (SELECT id FROM apps) "
    "AND (expected < 0 OR expected = (SELECT value FROM generation)) "
    "ORDER BY application_id, key, ord DESC "
    "ON CONFLICT (application_id, key) DO UPDATE SET "
    "value = excluded.value, expires_at = excluded.expires_at) "
    "SELECT application_id IN (SELECT id FROM apps), (SELECT value FROM generation) "
    "FROM input ORDER BY ord";

}  // namespace

std::vector<GroupedPutSeen> WriteGroupedPuts(Connection& c, const std::vector<GroupedPut>& puts) {
  std::vector<int64_t> applications, expiries, expected;
  std::vector<std::string> keys, values;
  for (const GroupedPut& put : puts) {
    applications.push_back(put.application_id);
    keys.push_back(put.item.key);
    values.push_back(put.item.value);
    expiries.push_back(put.item.expires_at);
    expected.push_back(put.expected);
  }
  const Rows rows = c.Exec(
      kPutGroup, {Param::IntArray(applications), Param::BytesArray(keys), Param::BytesArray(values),
                  Param::IntArray(expiries), Param::IntArray(expected)});
  if (rows.size() != static_cast<int>(puts.size())) {
    throw StoreError("a grouped write answered for another number of items");
  }
  std::vector<GroupedPutSeen> seen;
  seen.reserve(puts.size());
  for (int row = 0; row < rows.size(); ++row) {
    seen.push_back(GroupedPutSeen{rows.Bool(row, 0), rows.Int(row, 1)});
  }
  return seen;
}

PostgresKeyValue::PostgresKeyValue(Database& database)
    : db_(database),
      puts_(kMaxPutBatch, [this](std::vector<PendingPut>& batch) { WritePuts(batch); }) {}

// A write made where the caller's key and application came from the lookup cache happens only
// if the lookup generation is still the one they were read at, in the write's own statement;
// else nothing is written and it throws.
Outcome PostgresKeyValue::Put(int64_t application_id, const KvItem& item) {
  const int64_t expected = db_.lookups().ExpectedByWrite().value_or(-1);
  db_.lookups().StatementStarting();
  auto waiter = std::make_shared<PutWaiter>();
  std::future<GroupedPutSeen> told = waiter->seen.get_future();
  puts_.Add(PendingPut{GroupedPut{application_id, item, expected}, waiter});
  if (told.wait_for(kPutWait) != std::future_status::ready) {
    waiter->abandoned = true;  // its group may still write it: a 503 write may have committed
    throw StoreUnavailable("the database did not answer a grouped write in time");
  }
  GroupedPutSeen seen;
  try {
    seen = told.get();  // rethrows the group's failure
  } catch (const LockNotAvailable&) {
    return PutAlone(application_id, item, expected);
  }
  CheckGeneration(seen.generation, expected);
  return seen.application_exists ? Outcome::kOk : Outcome::kApplicationGone;
}

Outcome PostgresKeyValue::PutAlone(int64_t application_id, const KvItem& item, int64_t expected) {
  return db_.RunObserving([&](Connection& c) {
    const Rows written = c.Exec(
        "WITH app AS (SELECT id FROM applications WHERE id = $1 "
        "AND ($5::bigint < 0 OR $5::bigint = (SELECT value FROM lookup_generation)) FOR KEY "
        "SHARE), "
        "written AS (INSERT INTO kv_items (application_id, key, value, expires_at) "
        "SELECT id, $2::bytea, $3::bytea, $4::bigint FROM app "
        "ON CONFLICT (application_id, key) DO UPDATE SET "
        "value = excluded.value, expires_at = excluded.expires_at RETURNING 1) "
        "SELECT (SELECT count(*) FROM written), (SELECT value FROM lookup_generation)",
        {Param::Int(application_id), Param::Bytes(item.key), Param::Bytes(item.value),
         Param::Int(item.expires_at), Param::Int(expected)});
    CheckGeneration(written.Int(0, 1), expected);
    return written.Int(0, 0) == 0 ? Outcome::kApplicationGone : Outcome::kOk;
  });
}

void PostgresKeyValue::WritePuts(std::vector<PendingPut>& batch) {
  // A caller that stopped waiting has answered 503: its write is dropped while it still can be.
  std::erase_if(batch, [](const PendingPut& pending) { return pending.waiter->abandoned.load(); });
  if (batch.empty()) return;
  std::vector<GroupedPutSeen> seen;
  try {
    std::vector<GroupedPut> puts;
    puts.reserve(batch.size());
    for (PendingPut& pending : batch) puts.push_back(std::move(pending.put));
    seen = db_.RunObserving([&](Connection& c) { return WriteGroupedPuts(c, puts); });
  } catch (...) {
    // The statement rolled back whole (or its answer could not be read): every caller hears why.
    for (PendingPut& pending : batch) pending.waiter->seen.set_exception(std::current_exception());
    return;
  }
  for (std::size_t i = 0; i < batch.size(); ++i) batch[i].waiter->seen.set_value(seen[i]);
}

Result<KvItem> PostgresKeyValue::Get(int64_t application_id, std::string_view key, int64_t now) {
  return db_.RunObserving([&](Connection& c) -> Result<KvItem> {
    // With the lookup generation, so that a point read whose key and application came from
    // the cache is confirmed by this one statement (LookupCache).
    const Rows found = c.Exec(
        "SELECT i.value, i.expires_at, (SELECT value FROM lookup_generation) "
        "FROM applications a LEFT JOIN kv_items i "
        "ON i.application_id = a.id AND i.key = $2 AND i.expires_at > $3 WHERE a.id = $1",
        {Param::Int(application_id), Param::Bytes(key), Param::Int(now)});
    if (found.empty()) return Outcome::kApplicationGone;
    db_.lookups().Observe(found.Int(0, 2));
    if (found.IsNull(0, 0)) return Outcome::kNotFound;
    return KvItem{std::string(key), found.Bytes(0, 0), found.Int(0, 1)};
  });
}

Outcome PostgresKeyValue::Delete(int64_t application_id, std::string_view key, int64_t now) {
  const int64_t expected = db_.lookups().ExpectedByWrite().value_or(-1);
  return db_.RunObserving([&](Connection& c) {
    const Rows counts = c.Exec(
        "WITH app AS (SELECT id FROM applications WHERE id = $1 "
        "AND ($4::bigint < 0 OR $4::bigint = (SELECT value FROM lookup_generation)) FOR KEY "
        "SHARE), "
        "removed AS (DELETE FROM kv_items WHERE application_id = (SELECT id FROM app) "
        "AND key = $2 RETURNING expires_at) "
        "SELECT (SELECT count(*) FROM app), (SELECT count(*) FROM removed WHERE expires_at > $3), "
        "(SELECT value FROM lookup_generation)",
        {Param::Int(application_id), Param::Bytes(key), Param::Int(now), Param::Int(expected)});
    CheckGeneration(counts.Int(0, 2), expected);
    if (counts.Int(0, 0) == 0) return Outcome::kApplicationGone;
    return counts.Int(0, 1) > 0 ? Outcome::kOk : Outcome::kNotFound;
  });
}

void PostgresKeyValue::CheckGeneration(int64_t seen, int64_t expected) {
  db_.lookups().Observe(seen);
  if (expected >= 0 && seen != expected) {
    throw StaleLookups("a cached service key or application changed before the write");
  }
}

Result<std::vector<KvItem>> PostgresKeyValue::List(int64_t application_id, std::string_view prefix,
                                                   int64_t now, int64_t offset, int64_t limit,
                                                   bool with_values) {
  const std::string upper = PrefixUpperBound(prefix);
  std::vector<Param> params = {Param::Int(application_id), Param::Bytes(prefix)};
  if (!upper.empty()) params.push_back(Param::Bytes(upper));
  for (const int64_t value : {now, limit, offset}) params.push_back(Param::Int(value));
  params.push_back(Param::Bool(with_values));
  return db_.Run([&](Connection& c) -> Result<std::vector<KvItem>> {
    const Rows rows = c.Exec(upper.empty() ? kListUnbounded : kListBounded, params);
    if (rows.empty()) return Outcome::kApplicationGone;
    std::vector<KvItem> items;
    for (int row = 0; row < rows.size() && !rows.IsNull(row, 0); ++row) {
      items.push_back(KvItem{rows.Bytes(row, 0), with_values ? rows.Bytes(row, 1) : std::string(),
                             rows.Int(row, 2)});
    }
    return items;
  });
}

int64_t PostgresKeyValue::DeleteExpired(int64_t now, int64_t limit) {
  // SKIP LOCKED: concurrent sweeps (other nodes) take disjoint batches instead of waiting for
  // each other, and an item a writer is reviving is left to that writer.
  return db_.Run([&](Connection& c) {
    return c
        .Exec(
            "WITH doomed AS (SELECT application_id, key FROM kv_items WHERE expires_at <= $1 "
            "ORDER BY expires_at LIMIT $2 FOR UPDATE SKIP LOCKED) "
            "DELETE FROM kv_items i USING doomed d "
            "WHERE i.application_id = d.application_id AND i.key = d.key",
            {Param::Int(now), Param::Int(limit)})
        .affected();
  });
}

}  // namespace coffer::store::postgres
