// Envelope keys, store metadata and secrets of SqliteStore.

#include "store/sqlite/sqlite_store.hpp"

#include <set>

namespace coffer::store::sqlite {

namespace {

SecretRecord SecretFromRow(const StatementUse& row) {
  SecretRecord secret{row.Int(0), row.Int(1), row.Text(2), row.Text(3), std::nullopt, row.Int(5),
                      row.Int(6)};
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
  StatementUse query(c,
                     which.id ? "SELECT id, application_id, name, sealed_value, sealed_description, "
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

std::optional<std::string> SingleText(Connection& c, const char* sql, std::string_view key) {
  StatementUse query(c, sql);
  query.Bind(1, key);
  if (!query.Step()) return std::nullopt;
  return query.Text(0);
}

}  // namespace

std::optional<std::string> SqliteStore::GetMeta(std::string_view name) {
  return Read([&](Connection& c) { return SingleText(c, "SELECT value FROM meta WHERE name = ?", name); });
}

std::string SqliteStore::SetMetaIfAbsent(const std::string& name, const std::string& value) {
  return Write([&](Connection& c) {
    StatementUse(c, "INSERT INTO meta (name, value) VALUES (?, ?) ON CONFLICT (name) DO NOTHING")
        .Bind(1, name)
        .BindBlob(2, value)
        .Run();
    return *SingleText(c, "SELECT value FROM meta WHERE name = ?", name);
  });
}

std::optional<std::string> SqliteStore::GetDataKey(int64_t application_id) {
  return Read([&](Connection& c) -> std::optional<std::string> {
    StatementUse query(c, "SELECT wrapped_key FROM data_keys WHERE application_id = ?");
    query.Bind(1, application_id);
    if (!query.Step()) return std::nullopt;
    return query.Text(0);
  });
}

std::string SqliteStore::EnsureDataKey(int64_t application_id, const std::string& wrapped) {
  return WriteOwnedBy(application_id, [&](Connection& c) {
    StatementUse(c,
                 "INSERT INTO data_keys (application_id, wrapped_key) VALUES (?, ?) "
                 "ON CONFLICT (application_id) DO NOTHING")
        .Bind(1, application_id)
        .BindBlob(2, wrapped)
        .Run();
    StatementUse query(c, "SELECT wrapped_key FROM data_keys WHERE application_id = ?");
    query.Bind(1, application_id);
    if (!query.Step()) throw StoreError("data key vanished for application " + std::to_string(application_id));
    return query.Text(0);
  });
}

std::vector<std::pair<int64_t, std::string>> SqliteStore::ListDataKeys() {
  return Read([&](Connection& c) {
    StatementUse query(c, "SELECT application_id, wrapped_key FROM data_keys ORDER BY application_id");
    std::vector<std::pair<int64_t, std::string>> keys;
    while (query.Step()) keys.emplace_back(query.Int(0), query.Text(1));
    return keys;
  });
}

void SqliteStore::ReplaceDataKeys(const std::vector<std::pair<int64_t, std::string>>& wrapped,
                                  const std::string& check_name, const std::string& check) {
  Write([&](Connection& c) {
    for (const auto& [application_id, key] : wrapped) {
      StatementUse(c, "UPDATE data_keys SET wrapped_key = ? WHERE application_id = ?")
          .BindBlob(1, key)
          .Bind(2, application_id)
          .Run();
    }
    StatementUse(c,
                 "INSERT INTO meta (name, value) VALUES (?, ?) "
                 "ON CONFLICT (name) DO UPDATE SET value = excluded.value")
        .Bind(1, check_name)
        .BindBlob(2, check)
        .Run();
  });
}

SecretRecord SqliteStore::AddSecret(int64_t application_id, const std::string& name, int64_t now,
                                    const std::function<SealedSecretFields(int64_t)>& seal) {
  return WriteOwnedBy(application_id, [&](Connection& c) {
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
    StatementUse update(c, "UPDATE secrets SET sealed_value = ?, sealed_description = ? WHERE id = ?");
    update.BindBlob(1, sealed.value);
    BindOptionalBlob(update, 2, sealed.description);
    update.Bind(3, secret.id).Run();
    secret.sealed_value = std::move(sealed.value);
    secret.sealed_description = std::move(sealed.description);
    return secret;
  });
}

std::optional<SecretRecord> SqliteStore::FindSecretById(int64_t application_id, int64_t id) {
  return Read([&](Connection& c) { return SelectSecret(c, application_id, {id, ""}); });
}

std::optional<SecretRecord> SqliteStore::FindSecretByName(int64_t application_id,
                                                          std::string_view name) {
  return Read([&](Connection& c) {
    return SelectSecret(c, application_id, {std::nullopt, std::string(name)});
  });
}

SecretPage SqliteStore::ListSecrets(int64_t application_id, std::string_view name_part,
                                    int64_t offset, int64_t limit) {
  return Read([&](Connection& c) {
    // instr() over lower(): a literal substring, so '%' and '_' are ordinary characters.
    SecretPage page;
    StatementUse count(c,
                       "SELECT COUNT(*) FROM secrets WHERE application_id = ?1 "
                       "AND instr(lower(name), lower(?2)) > 0");
    count.Bind(1, application_id).Bind(2, name_part);
    if (count.Step()) page.total_count = count.Int(0);
    StatementUse query(c,
                       "SELECT id, application_id, name, x'', sealed_description, created, modified "
                       "FROM secrets WHERE application_id = ?1 AND instr(lower(name), lower(?2)) > 0 "
                       "ORDER BY id LIMIT ?3 OFFSET ?4");
    query.Bind(1, application_id).Bind(2, name_part).Bind(3, limit).Bind(4, offset);
    while (query.Step()) page.items.push_back(SecretFromRow(query));
    return page;
  });
}

bool SqliteStore::ReviseSecret(
    int64_t application_id, const SecretLookup& which,
    const std::function<std::optional<SecretRecord>(const SecretRecord&)>& revise) {
  return WriteOwnedBy(application_id, [&](Connection& c) {
    const auto current = SelectSecret(c, application_id, which);
    if (!current) return false;
    const auto revised = revise(*current);
    if (!revised) return true;
    StatementUse update(c,
                        "UPDATE secrets SET name = ?, sealed_value = ?, sealed_description = ?, "
                        "modified = ? WHERE id = ? AND application_id = ?");
    update.Bind(1, revised->name).BindBlob(2, revised->sealed_value);
    BindOptionalBlob(update, 3, revised->sealed_description);
    update.Bind(4, revised->modified).Bind(5, current->id).Bind(6, application_id).Run();
    return true;
  });
}

SelectionMiss SqliteStore::DeleteSecrets(int64_t application_id,
                                               const SecretSelection& selection) {
  return WriteOwnedBy(application_id, [&](Connection& c) {
    std::set<int64_t> doomed;
    if (selection.all) {
      StatementUse query(c, "SELECT id FROM secrets WHERE application_id = ?");
      query.Bind(1, application_id);
      while (query.Step()) doomed.insert(query.Int(0));
    }
    for (const int64_t id : selection.ids) {
      if (!SelectSecret(c, application_id, {id, ""})) return SelectionMiss::kId;
      doomed.insert(id);
    }
    for (const auto& name : selection.names) {
      const auto secret = SelectSecret(c, application_id, {std::nullopt, name});
      if (!secret) return SelectionMiss::kName;
      doomed.insert(secret->id);
    }
    for (const int64_t id : doomed) {
      StatementUse(c, "DELETE FROM secrets WHERE id = ? AND application_id = ?")
          .Bind(1, id)
          .Bind(2, application_id)
          .Run();
    }
    return SelectionMiss::kNone;
  });
}

}  // namespace coffer::store::sqlite
