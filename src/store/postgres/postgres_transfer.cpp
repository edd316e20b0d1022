// Whole-application export and import of PostgresStore.

#include "store/postgres/postgres_transfer.hpp"

#include <map>
#include <set>

#include "store/postgres/serving_lease.hpp"

namespace coffer::store::postgres {

namespace {

std::optional<Application> ApplicationIn(const Rows& rows) {
  if (rows.empty()) return std::nullopt;
  return Application{rows.Int(0, 0), rows.Int(0, 1), rows.Bytes(0, 2), rows.Bool(0, 3),
                     rows.Int(0, 4)};
}

}  // namespace

std::optional<ApplicationContents> PostgresTransfer::Read(int64_t account_id,
                                                          const std::string& short_name,
                                                          int64_t now) {
  if (!IsText(short_name)) return std::nullopt;
  return db_.Transact([&](Connection& c) -> std::optional<ApplicationContents> {
    // One snapshot for the three reads.
    c.Exec("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY");
    const auto application = ApplicationIn(c.Exec(
        "SELECT id, account_id, short_name, secure_record_storage, modified FROM applications "
        "WHERE account_id = $1 AND short_name = $2",
        {Param::Int(account_id), Param::Text(short_name)}));
    if (!application) return std::nullopt;
    const Param id = Param::Int(application->id);
    ApplicationContents contents{*application, std::nullopt, {}, {}};
    const Rows key = c.Exec("SELECT wrapped_key FROM data_keys WHERE application_id = $1", {id});
    if (!key.empty()) contents.wrapped_data_key = key.Bytes(0, 0);
    const Rows secrets = c.Exec(
        "SELECT id, name, sealed_value, sealed_description, created, modified FROM secrets "
        "WHERE application_id = $1 ORDER BY id",
        {id});
    for (int row = 0; row < secrets.size(); ++row) {
      contents.secrets.push_back(SecretRecord{
          secrets.Int(row, 0), application->id, secrets.Bytes(row, 1), secrets.Bytes(row, 2),
          secrets.OptionalBytes(row, 3), secrets.Int(row, 4), secrets.Int(row, 5)});
    }
    const Rows items = c.Exec(
        "SELECT key, value, expires_at FROM kv_items WHERE application_id = $1 "
        "AND expires_at > $2 ORDER BY key",
        {id, Param::Int(now)});
    for (int row = 0; row < items.size(); ++row) {
      contents.items.push_back(KvItem{items.Bytes(row, 0), items.Bytes(row, 1), items.Int(row, 2)});
    }
    return contents;
  });
}

ImportOutcome PostgresTransfer::Import(const ApplicationImport& batch, ImportSealer& sealer) {
  if (!IsText(batch.short_name)) return Outcome::kNotFound;
  if (db_.serving_lease_lapsed()) {
    // As EnsureDataKey: a key wrapped now could be one no other node opens.
    throw StoreUnavailable("this node's serving lease is being taken again");
  }
  // A refusal rolls the whole transaction back (Transact commits successes only).
  return db_.Transact([&](Connection& c) -> ImportOutcome {
    ImportOutcome done;
    // As Create: creates in one account run one at a time. Then the application row is locked
    // against every other write of its data (they share-lock it), so nothing is written between
    // the clash check and the import, and no data key is made meanwhile.
    c.Exec("SELECT 1 FROM accounts WHERE id = $1 FOR NO KEY UPDATE",
           {Param::Int(batch.account_id)});
    auto application = ApplicationIn(c.Exec(
        "SELECT id, account_id, short_name, secure_record_storage, modified FROM applications "
        "WHERE account_id = $1 AND short_name = $2 FOR UPDATE",
        {Param::Int(batch.account_id), Param::Text(batch.short_name)}));
    std::map<std::string, std::pair<int64_t, int64_t>> existing;  // name: id, created
    std::set<std::string> live_keys;
    if (application) {
      const Param id = Param::Int(application->id);
      const Rows secrets =
          c.Exec("SELECT name, id, created FROM secrets WHERE application_id = $1", {id});
      for (int row = 0; row < secrets.size(); ++row) {
        existing.emplace(secrets.Bytes(row, 0),
                         std::pair{secrets.Int(row, 1), secrets.Int(row, 2)});
      }
      const Rows keys =
          c.Exec("SELECT key FROM kv_items WHERE application_id = $1 AND expires_at > $2",
                 {id, Param::Int(batch.now)});
      for (int row = 0; row < keys.size(); ++row) live_keys.insert(keys.Bytes(row, 0));
      if (!batch.replace) {
        for (const auto& secret : batch.secrets) {
          if (!existing.contains(secret.name)) continue;
          if (done.clashes++ == 0) {
            done.clash = secret.name;
            done.clash_is_secret = true;
          }
        }
        for (const auto& item : batch.items) {
          if (live_keys.contains(item.key) && done.clashes++ == 0) done.clash = item.key;
        }
        if (done.clashes > 0) {
          done.outcome = Outcome::kConflict;
          return done;
        }
      }
    } else {
      if (batch.max_applications > 0) {
        const Rows count = c.Exec("SELECT count(*) FROM applications WHERE account_id = $1",
                                  {Param::Int(batch.account_id)});
        if (count.Int(0, 0) >= batch.max_applications) return Outcome::kLimitExceeded;
      }
      const Rows inserted = c.Exec(
          "INSERT INTO applications (account_id, short_name, secure_record_storage, modified) "
          "VALUES ($1, $2, false, $3) RETURNING id",
          {Param::Int(batch.account_id), Param::Text(batch.short_name), Param::Int(batch.now)});
      application =
          Application{inserted.Int(0, 0), batch.account_id, batch.short_name, false, batch.now};
      done.summary.created_application = true;
    }
    done.summary.application = *application;
    const Param application_id = Param::Int(application->id);

    const Rows key =
        c.Exec("SELECT wrapped_key FROM data_keys WHERE application_id = $1", {application_id});
    std::string data_key;
    if (!key.empty()) {
      data_key = key.Bytes(0, 0);
    } else {
      // Not while a master-key rotation runs (it takes this lock alone).
      c.Exec("SELECT pg_advisory_xact_lock_shared($1)", {Param::Int(kServingLockKey)});
      data_key = sealer.WrapNewDataKey(application->id);
      c.Exec("INSERT INTO data_keys (application_id, wrapped_key) VALUES ($1, $2)",
             {application_id, Param::Bytes(data_key)});
    }
    sealer.UseDataKey(application->id, data_key);

    for (std::size_t i = 0; i < batch.secrets.size(); ++i) {
      const ImportedSecret& secret = batch.secrets[i];
      if (const auto found = existing.find(secret.name); found != existing.end()) {
        // Replaced in place: the row keeps its id (its sealed fields are bound to it).
        const SealedSecretFields sealed = sealer.Seal(i, found->second.first);
        c.Exec(
            "UPDATE secrets SET sealed_value = $1, sealed_description = $2, modified = $3 "
            "WHERE id = $4",
            {Param::Bytes(sealed.value), Param::OptionalBytes(sealed.description),
             Param::Int(secret.modified), Param::Int(found->second.first)});
        ++done.summary.secrets_replaced;
        continue;
      }
      const int64_t id = c.Exec("SELECT nextval('secret_ids')").Int(0, 0);
      const SealedSecretFields sealed = sealer.Seal(i, id);
      c.Exec(
          "INSERT INTO secrets (id, application_id, name, sealed_value, sealed_description, "
          "created, modified) VALUES ($1, $2, $3, $4, $5, $6, $7)",
          {Param::Int(id), application_id, Param::Text(secret.name), Param::Bytes(sealed.value),
           Param::OptionalBytes(sealed.description), Param::Int(secret.created),
           Param::Int(secret.modified)});
      ++done.summary.secrets_added;
    }

    for (const KvItem& item : batch.items) {
      c.Exec(
          "INSERT INTO kv_items (application_id, key, value, expires_at) VALUES ($1, $2, $3, $4) "
          "ON CONFLICT (application_id, key) DO UPDATE SET value = excluded.value, "
          "expires_at = excluded.expires_at",
          {application_id, Param::Bytes(item.key), Param::Bytes(item.value),
           Param::Int(item.expires_at)});
      ++(live_keys.contains(item.key) ? done.summary.items_replaced : done.summary.items_added);
    }
    return done;
  });
}

}  // namespace coffer::store::postgres
