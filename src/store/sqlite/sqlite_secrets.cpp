// Data keys and secrets of SqliteStore.

#include "store/sqlite/sqlite_secrets.hpp"

#include <set>
#include <variant>

#include "store/sqlite/file_lock.hpp"

namespace coffer::store::sqlite {

namespace {

SecretRecord SecretFromRow(const StatementUse& row) {
  SecretRecord secret{row.Int(0),   row.Int(1), row.Text(2), row.Text(3),
                      std::nullopt, row.Int(5), row.Int(6)};
  if (!row.IsNull(4)) secret.sealed_description = row.Text(4);
  return secret;
}

void BindOptionalBlob(StatementUse& statement, int index, const std::optional<std::string>& blob) {
  if (blob) {
    statement.BindBlob(index, *blob);
  } else {
    statement.BindNull(index);
  }
}

std::optional<SecretRecord> SelectSecret(Connection& c, int64_t application_id,
                                         const SecretLookup& which) {
  StatementUse query(
      c, which.id ? "SELECT id, application_id, name, sealed_value, sealed_description, "
                    "created, modified FROM secrets WHERE application_id = ?1 AND id = ?2"
                  : "SELECT id, application_id, name, sealed_value, sealed_description, "
                    "created, modified FROM secrets WHERE application_id = ?1 AND name = ?2");
  query.Bind(1, application_id);
  if (which.id) {
    query.Bind(2, *which.id);
  } else {
    query.Bind(2, which.name);
  }
  if (!query.Step()) return std::nullopt;
  return SecretFromRow(query);
}

std::optional<std::string> SelectDataKey(Connection& c, int64_t application_id) {
  StatementUse query(c, "SELECT wrapped_key FROM data_keys WHERE application_id = ?");
  query.Bind(1, application_id);
  if (!query.Step()) return std::nullopt;
  return query.Text(0);
}

// What a read that found nothing answers: the application may have been deleted after the
// caller resolved it.
Outcome NothingFound(Connection& c, int64_t application_id) {
  return Database::ApplicationExists(c, application_id) ? Outcome::kNotFound
                                                        : Outcome::kApplicationGone;
}

// The ids `selection` names, or the list whose entry matched nothing.
std::variant<std::set<int64_t>, SelectionList> Resolve(Connection& c, int64_t application_id,
                                                       const SecretSelection& selection) {
  std::set<int64_t> ids;
  if (selection.all) {
    StatementUse query(c, "SELECT id FROM secrets WHERE application_id = ?");
    query.Bind(1, application_id);
    while (query.Step()) ids.insert(query.Int(0));
  }
  for (const int64_t id : selection.ids) {
    if (!SelectSecret(c, application_id, {id, ""})) return SelectionList::kIds;
    ids.insert(id);
  }
  for (const auto& name : selection.names) {
    const auto secret = SelectSecret(c, application_id, {std::nullopt, name});
    if (!secret) return SelectionList::kNames;
    ids.insert(secret->id);
  }
  return ids;
}

}  // namespace

Result<std::string> SqliteSecrets::GetDataKey(int64_t application_id) {
  return db_.Read([&](Connection& c) -> Result<std::string> {
    // The last read of a GetSecretValue: confirms, in this snapshot, the key and application
    // the call took from the cache.
    if (db_.lookups().AnsweredFromCache()) db_.ObserveGeneration(c);
    if (auto wrapped = SelectDataKey(c, application_id)) return std::move(*wrapped);
    return NothingFound(c, application_id);
  });
}

Result<std::string> SqliteSecrets::EnsureDataKey(int64_t application_id,
                                                 const std::string& wrapped) {
  return db_.WriteOwnedBy(application_id, [&](Connection& c) -> Result<std::string> {
    StatementUse(c,
                 "INSERT INTO data_keys (application_id, wrapped_key) VALUES (?, ?) "
                 "ON CONFLICT (application_id) DO NOTHING")
        .Bind(1, application_id)
        .BindBlob(2, wrapped)
        .Run();
    auto in_force = SelectDataKey(c, application_id);
    if (!in_force) {
      throw StoreError("data key vanished for application " + std::to_string(application_id));
    }
    return std::move(*in_force);
  });
}

std::vector<WrappedDataKey> SqliteSecrets::ListDataKeys() {
  return db_.Read([&](Connection& c) {
    StatementUse query(c,
                       "SELECT application_id, wrapped_key FROM data_keys ORDER BY application_id");
    std::vector<WrappedDataKey> keys;
    while (query.Step()) keys.push_back(WrappedDataKey{query.Int(0), query.Text(1)});
    return keys;
  });
}

Result<int64_t> SqliteSecrets::RotateDataKeys(const RewrapDataKey& rewrap,
                                              const std::string& check_name,
                                              const std::string& check) {
  // Held until the write has committed: no server can start meanwhile, and none serves now.
  const FileLock alone(db_.lock_path(), FileLock::Mode::kExclusive);
  if (!alone.held()) return Outcome::kBusy;
  return db_.Write([&](Connection& c) -> Result<int64_t> {
    std::vector<WrappedDataKey> keys;
    {
      StatementUse query(c, "SELECT application_id, wrapped_key FROM data_keys");
      while (query.Step()) keys.push_back(WrappedDataKey{query.Int(0), query.Text(1)});
    }
    for (const auto& key : keys) {
      StatementUse(c, "UPDATE data_keys SET wrapped_key = ? WHERE application_id = ?")
          .BindBlob(1, rewrap(key))
          .Bind(2, key.application_id)
          .Run();
    }
    StatementUse(c,
                 "INSERT INTO meta (name, value) VALUES (?, ?) "
                 "ON CONFLICT (name) DO UPDATE SET value = excluded.value")
        .Bind(1, check_name)
        .BindBlob(2, check)
        .Run();
    return static_cast<int64_t>(keys.size());
  });
}

Result<SecretRecord> SqliteSecrets::Add(int64_t application_id, const std::string& name,
                                        int64_t now, const SealNewSecret& seal) {
  return db_.WriteOwnedBy(application_id, [&](Connection& c) -> Result<SecretRecord> {
    // The id comes first so the sealed fields can be bound to it.
    StatementUse(c,
                 "INSERT INTO secrets (application_id, name, sealed_value, created, modified) "
                 "VALUES (?, ?, x'', ?, ?)")
        .Bind(1, application_id)
        .Bind(2, name)
        .Bind(3, now)
        .Bind(4, now)
        .Run();
    SecretRecord secret{c.LastInsertRowId(), application_id, name, "", std::nullopt, now, now};
    SealedSecretFields sealed = seal(secret.id);
    StatementUse update(c,
                        "UPDATE secrets SET sealed_value = ?, sealed_description = ? WHERE id = ?");
    update.BindBlob(1, sealed.value);
    BindOptionalBlob(update, 2, sealed.description);
    update.Bind(3, secret.id).Run();
    secret.sealed_value = std::move(sealed.value);
    secret.sealed_description = std::move(sealed.description);
    return secret;
  });
}

Result<SecretRecord> SqliteSecrets::Find(int64_t application_id, const SecretLookup& which) {
  return db_.Read([&](Connection& c) -> Result<SecretRecord> {
    if (auto secret = SelectSecret(c, application_id, which)) return std::move(*secret);
    return NothingFound(c, application_id);
  });
}

Result<SealedSecret> SqliteSecrets::FindSealed(int64_t application_id, const SecretLookup& which) {
  return db_.Read([&](Connection& c) -> Result<SealedSecret> {
    // The read of a GetSecretValue: confirms, in this snapshot, the key and application the
    // call took from the cache.
    if (db_.lookups().AnsweredFromCache()) db_.ObserveGeneration(c);
    auto secret = SelectSecret(c, application_id, which);
    if (!secret) return NothingFound(c, application_id);
    auto wrapped = SelectDataKey(c, application_id);
    return SealedSecret{std::move(*secret), std::move(wrapped)};
  });
}

Result<SecretPage> SqliteSecrets::List(int64_t application_id, std::string_view name_part,
                                       int64_t offset, int64_t limit) {
  return db_.Read([&](Connection& c) -> Result<SecretPage> {
    // instr() over lower(): a literal substring, so '%' and '_' are ordinary characters.
    SecretPage page;
    StatementUse count(c,
                       "SELECT COUNT(*) FROM secrets WHERE application_id = ?1 "
                       "AND instr(lower(name), lower(?2)) > 0");
    count.Bind(1, application_id).Bind(2, name_part);
    if (count.Step()) page.total_count = count.Int(0);
    // Secrets exist only while their application does; an empty list must check.
    if (page.total_count == 0 && !Database::ApplicationExists(c, application_id)) {
      return Outcome::kApplicationGone;
    }
    StatementUse query(
        c,
        "SELECT id, application_id, name, x'', sealed_description, created, modified "
        "FROM secrets WHERE application_id = ?1 AND instr(lower(name), lower(?2)) > 0 "
        "ORDER BY id LIMIT ?3 OFFSET ?4");
    query.Bind(1, application_id).Bind(2, name_part).Bind(3, limit).Bind(4, offset);
    while (query.Step()) page.items.push_back(SecretFromRow(query));
    return page;
  });
}

Outcome SqliteSecrets::Revise(int64_t application_id, const SecretLookup& which,
                              const ReviseSecret& revise) {
  return db_.WriteOwnedBy(application_id, [&](Connection& c) {
    const auto current = SelectSecret(c, application_id, which);
    if (!current) return Outcome::kNotFound;
    const auto revised = revise(*current);
    if (!revised) return Outcome::kOk;
    StatementUse update(c,
                        "UPDATE secrets SET name = ?, sealed_value = ?, sealed_description = ?, "
                        "modified = ? WHERE id = ? AND application_id = ?");
    update.Bind(1, revised->name).BindBlob(2, revised->sealed_value);
    BindOptionalBlob(update, 3, revised->sealed_description);
    update.Bind(4, revised->modified).Bind(5, current->id).Bind(6, application_id).Run();
    return Outcome::kOk;
  });
}

SelectionOutcome SqliteSecrets::Delete(int64_t application_id, const SecretSelection& selection) {
  return db_.WriteOwnedBy(application_id, [&](Connection& c) -> SelectionOutcome {
    const auto resolved = Resolve(c, application_id, selection);
    if (const auto* missing = std::get_if<SelectionList>(&resolved)) {
      return SelectionOutcome::Missing(*missing);
    }
    for (const int64_t id : std::get<std::set<int64_t>>(resolved)) {
      StatementUse(c, "DELETE FROM secrets WHERE id = ? AND application_id = ?")
          .Bind(1, id)
          .Bind(2, application_id)
          .Run();
    }
    return SelectionOutcome();
  });
}

}  // namespace coffer::store::sqlite
