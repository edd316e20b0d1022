// Whole-application export and import of SqliteStore.

#include "store/sqlite/sqlite_transfer.hpp"

#include <map>

#include "store/sqlite/sqlite_key_value.hpp"

namespace coffer::store::sqlite {

namespace {

std::optional<Application> SelectApplication(Connection& c, int64_t account_id,
                                             const std::string& short_name) {
  StatementUse query(c,
                     "SELECT id, account_id, short_name, secure_record_storage, modified "
                     "FROM applications WHERE account_id = ? AND short_name = ?");
  query.Bind(1, account_id).Bind(2, short_name);
  if (!query.Step()) return std::nullopt;
  return Application{query.Int(0), query.Int(1), query.Text(2), query.Int(3) != 0, query.Int(4)};
}

std::optional<std::string> SelectDataKey(Connection& c, int64_t application_id) {
  StatementUse query(c, "SELECT wrapped_key FROM data_keys WHERE application_id = ?");
  query.Bind(1, application_id);
  if (!query.Step()) return std::nullopt;
  return query.Text(0);
}

// Existing secrets of the application by name: id and created.
std::map<std::string, std::pair<int64_t, int64_t>> SecretsByName(Connection& c,
                                                                 int64_t application_id) {
  StatementUse query(c, "SELECT name, id, created FROM secrets WHERE application_id = ?");
  query.Bind(1, application_id);
  std::map<std::string, std::pair<int64_t, int64_t>> names;
  while (query.Step()) names.emplace(query.Text(0), std::pair{query.Int(1), query.Int(2)});
  return names;
}

bool LiveItemExists(Connection& c, int64_t application_id, const std::string& key, int64_t now) {
  StatementUse query(c,
                     "SELECT 1 FROM kv_items WHERE application_id = ? AND key = ? "
                     "AND expires_at > ?");
  query.Bind(1, application_id).Bind(2, key).Bind(3, now);
  return query.Step();
}

void BindOptionalBlob(StatementUse& statement, int index, const std::optional<std::string>& blob) {
  if (blob) {
    statement.BindBlob(index, *blob);
  } else {
    statement.BindNull(index);
  }
}

}  // namespace

std::optional<ApplicationContents> SqliteTransfer::Read(int64_t account_id,
                                                        const std::string& short_name,
                                                        int64_t now) {
  return db_.Read([&](Connection& c) -> std::optional<ApplicationContents> {
    auto application = SelectApplication(c, account_id, short_name);
    if (!application) return std::nullopt;
    ApplicationContents contents{*application, SelectDataKey(c, application->id), {}, {}};
    StatementUse secrets(c,
                         "SELECT id, name, sealed_value, sealed_description, created, modified "
                         "FROM secrets WHERE application_id = ? ORDER BY id");
    secrets.Bind(1, application->id);
    while (secrets.Step()) {
      SecretRecord secret{secrets.Int(0), application->id, secrets.Text(1), secrets.Text(2),
                          std::nullopt,   secrets.Int(4),  secrets.Int(5)};
      if (!secrets.IsNull(3)) secret.sealed_description = secrets.Text(3);
      contents.secrets.push_back(std::move(secret));
    }
    StatementUse items(c,
                       "SELECT key, value, expires_at FROM kv_items "
                       "WHERE application_id = ? AND expires_at > ? ORDER BY key");
    items.Bind(1, application->id).Bind(2, now);
    while (items.Step()) {
      contents.items.push_back(KvItem{items.Text(0), items.Text(1), items.Int(2)});
    }
    return contents;
  });
}

ImportOutcome SqliteTransfer::Import(const ApplicationImport& batch, ImportSealer& sealer) {
  return db_.Write([&](Connection& c) -> ImportOutcome {
    // Every refusal is decided before the first change: a write's answer other than kOk must
    // leave nothing behind, and this queue rolls back only a write that throws.
    ImportOutcome done;
    auto application = SelectApplication(c, batch.account_id, batch.short_name);
    std::map<std::string, std::pair<int64_t, int64_t>> existing;
    if (application) {
      existing = SecretsByName(c, application->id);
      for (const auto& secret : batch.secrets) {
        if (batch.replace || !existing.contains(secret.name)) continue;
        if (done.clashes++ == 0) {
          done.clash = secret.name;
          done.clash_is_secret = true;
        }
      }
      for (const auto& item : batch.items) {
        if (batch.replace || !LiveItemExists(c, application->id, item.key, batch.now)) continue;
        if (done.clashes++ == 0) done.clash = item.key;
      }
      if (done.clashes > 0) {
        done.outcome = Outcome::kConflict;
        return done;
      }
    } else {
      if (batch.max_applications > 0) {
        StatementUse count(c, "SELECT COUNT(*) FROM applications WHERE account_id = ?");
        count.Bind(1, batch.account_id).Step();
        if (count.Int(0) >= batch.max_applications) return Outcome::kLimitExceeded;
      }
      StatementUse(c,
                   "INSERT INTO applications (account_id, short_name, secure_record_storage, "
                   "modified) VALUES (?, ?, 0, ?)")
          .Bind(1, batch.account_id)
          .Bind(2, batch.short_name)
          .Bind(3, batch.now)
          .Run();
      application =
          Application{c.LastInsertRowId(), batch.account_id, batch.short_name, false, batch.now};
      done.summary.created_application = true;
    }
    done.summary.application = *application;
    const int64_t application_id = application->id;

    auto data_key = SelectDataKey(c, application_id);
    if (!data_key) {
      data_key = sealer.WrapNewDataKey(application_id);
      StatementUse(c, "INSERT INTO data_keys (application_id, wrapped_key) VALUES (?, ?)")
          .Bind(1, application_id)
          .BindBlob(2, *data_key)
          .Run();
    }
    sealer.UseDataKey(application_id, *data_key);

    for (std::size_t i = 0; i < batch.secrets.size(); ++i) {
      const ImportedSecret& secret = batch.secrets[i];
      int64_t id = 0;
      if (const auto found = existing.find(secret.name); found != existing.end()) {
        id = found->second.first;  // replaced in place: its sealed fields are bound to its id
        ++done.summary.secrets_replaced;
      } else {
        StatementUse(c,
                     "INSERT INTO secrets (application_id, name, sealed_value, created, modified) "
                     "VALUES (?, ?, x'', ?, ?)")
            .Bind(1, application_id)
            .Bind(2, secret.name)
            .Bind(3, secret.created)
            .Bind(4, secret.modified)
            .Run();
        id = c.LastInsertRowId();
        ++done.summary.secrets_added;
      }
      const SealedSecretFields sealed = sealer.Seal(i, id);
      StatementUse update(c,
                          "UPDATE secrets SET sealed_value = ?, sealed_description = ?, "
                          "modified = ? WHERE id = ?");
      update.BindBlob(1, sealed.value);
      BindOptionalBlob(update, 2, sealed.description);
      update.Bind(3, secret.modified).Bind(4, id).Run();
    }

    for (const KvItem& item : batch.items) {
      const bool live = !done.summary.created_application &&
                        LiveItemExists(c, application_id, item.key, batch.now);
      UpsertItem(c, application_id, item);
      ++(live ? done.summary.items_replaced : done.summary.items_added);
    }
    return done;
  });
}

}  // namespace coffer::store::sqlite
