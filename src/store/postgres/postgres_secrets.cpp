// Data keys and secrets of PostgresStore. A write of an application's secrets first locks the
// application row (sharing it with other writes of its data; a delete of the application waits
// for them, or they find it gone), then the rows it changes.

#include "store/postgres/postgres_secrets.hpp"

#include "store/postgres/serving_lease.hpp"

namespace coffer::store::postgres {

namespace {

constexpr const char* kSecretColumns =
    "s.id, s.application_id, s.name, s.sealed_value, s.sealed_description, s.created, "
    "s.modified";

SecretRecord SecretAt(const Rows& rows, int row) {
  return SecretRecord{rows.Int(row, 0),   rows.Int(row, 1),           rows.Bytes(row, 2),
                      rows.Bytes(row, 3), rows.OptionalBytes(row, 4), rows.Int(row, 5),
                      rows.Int(row, 6)};
}

// The lookup's parameter: an id, or a name; a name that is not text matches nothing (NULL).
Param LookupParam(const SecretLookup& which) {
  if (which.id) return Param::Int(*which.id);
  return IsText(which.name) ? Param::Text(which.name) : Param::OptionalText(std::nullopt);
}

// Whether the application exists, share-locking it until the transaction ends.
bool LockApplication(Connection& c, int64_t application_id) {
  return !c.Exec("SELECT 1 FROM applications WHERE id = $1 FOR KEY SHARE",
                 {Param::Int(application_id)})
              .empty();
}

// "Contains, ignoring ASCII case": the column's collation is C, whose lower() changes ASCII
// letters only, so the needle is lowered the same way here.
std::string AsciiLower(std::string_view text) {
  std::string lowered(text);
  for (char& c : lowered) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return lowered;
}

}  // namespace

Result<std::string> PostgresSecrets::GetDataKey(int64_t application_id) {
  return db_.RunObserving([&](Connection& c) -> Result<std::string> {
    // With the lookup generation: the last read of a GetSecretValue, it confirms the key and
    // application the call took from the cache (LookupCache).
    const Rows rows = c.Exec(
        "SELECT k.wrapped_key, (SELECT value FROM lookup_generation) FROM applications a "
        "LEFT JOIN data_keys k ON k.application_id = a.id WHERE a.id = $1",
        {Param::Int(application_id)});
    if (rows.empty()) return Outcome::kApplicationGone;
    db_.lookups().Observe(rows.Int(0, 1));
    if (rows.IsNull(0, 0)) return Outcome::kNotFound;
    return rows.Bytes(0, 0);
  });
}

Result<std::string> PostgresSecrets::EnsureDataKey(int64_t application_id,
                                                   const std::string& wrapped) {
  if (db_.serving_lease_lapsed()) {
    // A rotation may have run since: a key wrapped under this node's master key could be one
    // no other node opens.
    throw StoreUnavailable("this node's serving lease is being taken again");
  }
  // On a conflict the no-op update returns the key in force (the first caller's).
  return db_.Transact([&](Connection& c) -> Result<std::string> {
    c.Exec("SELECT pg_advisory_xact_lock_shared($1)", {Param::Int(kServingLockKey)});
    const Rows rows = c.Exec(
        "WITH app AS (SELECT id FROM applications WHERE id = $1 FOR KEY SHARE) "
        "INSERT INTO data_keys (application_id, wrapped_key) SELECT id, $2::bytea FROM app "
        "ON CONFLICT (application_id) DO UPDATE SET wrapped_key = data_keys.wrapped_key "
        "RETURNING wrapped_key",
        {Param::Int(application_id), Param::Bytes(wrapped)});
    if (rows.empty()) return Outcome::kApplicationGone;
    return rows.Bytes(0, 0);
  });
}

std::vector<WrappedDataKey> PostgresSecrets::ListDataKeys() {
  return db_.Run([&](Connection& c) {
    const Rows rows =
        c.Exec("SELECT application_id, wrapped_key FROM data_keys ORDER BY application_id");
    std::vector<WrappedDataKey> keys;
    for (int row = 0; row < rows.size(); ++row) {
      keys.push_back(WrappedDataKey{rows.Int(row, 0), rows.Bytes(row, 1)});
    }
    return keys;
  });
}

Result<int64_t> PostgresSecrets::RotateDataKeys(const RewrapDataKey& rewrap,
                                                const std::string& check_name,
                                                const std::string& check) {
  return db_.Transact([&](Connection& c) -> Result<int64_t> {
    // Not while any node serves (each holds the lock shared), nor while a data key is being
    // created; held until the commit.
    if (!c.Exec("SELECT pg_try_advisory_xact_lock($1)", {Param::Int(kServingLockKey)}).Bool(0, 0)) {
      return Outcome::kBusy;
    }
    const Rows keys = c.Exec("SELECT application_id, wrapped_key FROM data_keys FOR UPDATE");
    for (int row = 0; row < keys.size(); ++row) {
      const WrappedDataKey key{keys.Int(row, 0), keys.Bytes(row, 1)};
      c.Exec("UPDATE data_keys SET wrapped_key = $1 WHERE application_id = $2",
             {Param::Bytes(rewrap(key)), Param::Int(key.application_id)});
    }
    c.Exec(
        "INSERT INTO meta (name, value) VALUES ($1, $2) "
        "ON CONFLICT (name) DO UPDATE SET value = excluded.value",
        {Param::Text(check_name), Param::Bytes(check)});
    return static_cast<int64_t>(keys.size());
  });
}

Result<SecretRecord> PostgresSecrets::Add(int64_t application_id, const std::string& name,
                                          int64_t now, const SealNewSecret& seal) {
  return db_.Transact([&](Connection& c) -> Result<SecretRecord> {
    // The id is drawn only once the application row is locked against other adds to it, so
    // ids increase in the order the adds commit, as on one node. It is drawn before the row is
    // written because the sealed fields are bound to it.
    const Rows next = c.Exec(
        "WITH app AS MATERIALIZED (SELECT id FROM applications WHERE id = $1 "
        "FOR NO KEY UPDATE) SELECT nextval('secret_ids') FROM app",
        {Param::Int(application_id)});
    if (next.empty()) return Outcome::kApplicationGone;
    SecretRecord secret{next.Int(0, 0), application_id, name, "", std::nullopt, now, now};
    SealedSecretFields sealed = seal(secret.id);
    const Rows inserted = c.Exec(
        "INSERT INTO secrets (id, application_id, name, sealed_value, sealed_description, "
        "created, modified) VALUES ($1, $2, $3, $4, $5, $6, $6) "
        "ON CONFLICT (application_id, name) DO NOTHING RETURNING id",
        {Param::Int(secret.id), Param::Int(application_id), Param::Text(name),
         Param::Bytes(sealed.value), Param::OptionalBytes(sealed.description), Param::Int(now)});
    if (inserted.empty()) return Outcome::kConflict;
    secret.sealed_value = std::move(sealed.value);
    secret.sealed_description = std::move(sealed.description);
    return secret;
  });
}

Result<SecretRecord> PostgresSecrets::Find(int64_t application_id, const SecretLookup& which) {
  return db_.RunObserving([&](Connection& c) -> Result<SecretRecord> {
    // With the lookup generation (LookupCache), last.
    const std::string sql = std::string("SELECT ") + kSecretColumns +
                            ", (SELECT value FROM lookup_generation) FROM applications a "
                            "LEFT JOIN secrets s ON s.application_id = a.id AND " +
                            (which.id ? "s.id = $2" : "s.name = $2") + " WHERE a.id = $1";
    const Rows rows = c.Exec(sql.c_str(), {Param::Int(application_id), LookupParam(which)});
    if (rows.empty()) return Outcome::kApplicationGone;
    db_.lookups().Observe(rows.Int(0, 7));
    if (rows.IsNull(0, 0)) return Outcome::kNotFound;
    return SecretAt(rows, 0);
  });
}

Result<SealedSecret> PostgresSecrets::FindSealed(int64_t application_id,
                                                 const SecretLookup& which) {
  return db_.RunObserving([&](Connection& c) -> Result<SealedSecret> {
    // One round trip for a GetSecretValue's read, with the lookup generation (LookupCache).
    const std::string sql = std::string("SELECT ") + kSecretColumns +
                            ", k.wrapped_key, (SELECT value FROM lookup_generation) "
                            "FROM applications a LEFT JOIN secrets s ON s.application_id = a.id "
                            "AND " +
                            (which.id ? "s.id = $2" : "s.name = $2") +
                            " LEFT JOIN data_keys k ON k.application_id = a.id WHERE a.id = $1";
    const Rows rows = c.Exec(sql.c_str(), {Param::Int(application_id), LookupParam(which)});
    if (rows.empty()) return Outcome::kApplicationGone;
    db_.lookups().Observe(rows.Int(0, 8));
    if (rows.IsNull(0, 0)) return Outcome::kNotFound;
    return SealedSecret{SecretAt(rows, 0), rows.OptionalBytes(0, 7)};
  });
}

Result<SecretPage> PostgresSecrets::List(int64_t application_id, std::string_view name_part,
                                         int64_t offset, int64_t limit) {
  // One statement, so the page and its total come from one snapshot. strpos(): a literal
  // substring, so '%' and '_' are ordinary characters; a needle that is not text is NULL and
  // matches nothing.
  return db_.Run([&](Connection& c) -> Result<SecretPage> {
    const Rows rows = c.Exec(
        "SELECT (SELECT count(*) FROM secrets WHERE application_id = a.id "
        "AND strpos(lower(name), $2) > 0), s.id, s.application_id, s.name, s.sealed_description, "
        "s.created, s.modified FROM applications a LEFT JOIN LATERAL ("
        "SELECT * FROM secrets WHERE application_id = a.id AND strpos(lower(name), $2) > 0 "
        "ORDER BY id LIMIT $3 OFFSET $4) s ON true WHERE a.id = $1 ORDER BY s.id",
        {Param::Int(application_id),
         IsText(name_part) ? Param::Text(AsciiLower(name_part)) : Param::OptionalText(std::nullopt),
         Param::Int(limit), Param::Int(offset)});
    if (rows.empty()) return Outcome::kApplicationGone;
    SecretPage page;
    page.total_count = rows.Int(0, 0);
    for (int row = 0; row < rows.size() && !rows.IsNull(row, 1); ++row) {
      page.items.push_back(SecretRecord{rows.Int(row, 1), rows.Int(row, 2), rows.Bytes(row, 3), "",
                                        rows.OptionalBytes(row, 4), rows.Int(row, 5),
                                        rows.Int(row, 6)});
    }
    return page;
  });
}

Outcome PostgresSecrets::Revise(int64_t application_id, const SecretLookup& which,
                                const ReviseSecret& revise) {
  return db_.Transact([&](Connection& c) {
    if (!LockApplication(c, application_id)) return Outcome::kApplicationGone;
    // The row lock makes a concurrent revision wait and then revise what this one stored.
    const std::string sql = std::string("SELECT ") + kSecretColumns +
                            " FROM secrets s WHERE s.application_id = $1 AND " +
                            (which.id ? "s.id = $2" : "s.name = $2") + " FOR UPDATE";
    const Rows current = c.Exec(sql.c_str(), {Param::Int(application_id), LookupParam(which)});
    if (current.empty()) return Outcome::kNotFound;
    const SecretRecord record = SecretAt(current, 0);
    const auto revised = revise(record);
    if (!revised) return Outcome::kOk;
    c.Exec(
        "UPDATE secrets SET name = $1, sealed_value = $2, sealed_description = $3, "
        "modified = $4 WHERE id = $5",
        {Param::Text(revised->name), Param::Bytes(revised->sealed_value),
         Param::OptionalBytes(revised->sealed_description), Param::Int(revised->modified),
         Param::Int(record.id)});
    return Outcome::kOk;
  });
}

SelectionOutcome PostgresSecrets::Delete(int64_t application_id, const SecretSelection& selection) {
  return db_.Transact([&](Connection& c) -> SelectionOutcome {
    if (!LockApplication(c, application_id)) return Outcome::kApplicationGone;
    // Locked in id order: a concurrent delete of the same secret waits, then finds it gone.
    const Rows selected = c.Exec(
        "SELECT id, name FROM secrets WHERE application_id = $1 AND "
        "($2 OR id = ANY($3::bigint[]) OR name = ANY($4::text[])) ORDER BY id FOR UPDATE",
        {Param::Int(application_id), Param::Bool(selection.all), Param::IntArray(selection.ids),
         Param::TextArray(TextOnly(selection.names))});
    const LockedSelection locked = MatchSelection(selected, selection.ids, selection.names);
    if (locked.outcome.outcome != Outcome::kOk) return locked.outcome;
    c.Exec("DELETE FROM secrets WHERE id = ANY($1::bigint[])", {Param::IntArray(locked.ids)});
    return SelectionOutcome();
  });
}

}  // namespace coffer::store::postgres
