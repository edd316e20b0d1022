// Key-value items of SqliteStore.

#include "store/sqlite/sqlite_key_value.hpp"

namespace coffer::store::sqlite {

namespace {

// The smallest string greater than every string starting with `prefix`: the prefix with its
// last byte incremented (trailing 0xFF bytes dropped first). Empty means "no upper bound".
std::string PrefixUpperBound(std::string_view prefix) {
  std::string bound(prefix);
  while (!bound.empty() && static_cast<unsigned char>(bound.back()) == 0xFF) bound.pop_back();
  if (!bound.empty())
    bound.back() = static_cast<char>(static_cast<unsigned char>(bound.back()) + 1);
  return bound;
}

}  // namespace

void UpsertItem(Connection& c, int64_t application_id, const KvItem& item) {
  StatementUse(c,
               "INSERT INTO kv_items (application_id, key, value, expires_at) "
               "VALUES (?, ?, ?, ?) ON CONFLICT (application_id, key) DO UPDATE SET "
               "value = excluded.value, expires_at = excluded.expires_at")
      .Bind(1, application_id)
      .Bind(2, item.key)
      .Bind(3, item.value)
      .Bind(4, item.expires_at)
      .Run();
}

namespace {

// Deletes the item, live or expired: kOk when it was live, kNotFound otherwise.
Outcome Remove(Connection& c, int64_t application_id, std::string_view key, int64_t now) {
  StatementUse query(c,
                     "DELETE FROM kv_items WHERE application_id = ? AND key = ? "
                     "RETURNING expires_at > ?");
  query.Bind(1, application_id).Bind(2, key).Bind(3, now);
  const bool live = query.Step() && query.Int(0) != 0;
  while (query.Step()) {
  }
  return live ? Outcome::kOk : Outcome::kNotFound;
}

}  // namespace

Outcome SqliteKeyValue::Put(int64_t application_id, const KvItem& item) {
  return db_.WriteOwnedBy(application_id, [&](Connection& c) {
    UpsertItem(c, application_id, item);
    return Outcome::kOk;
  });
}

void SqliteKeyValue::PutAsync(int64_t application_id, KvItem item,
                              common::Completion<Outcome> done) {
  db_.WriteOwnedByAsync<Outcome>(
      application_id,
      [application_id, item = std::move(item)](Connection& c) {
        UpsertItem(c, application_id, item);
        return Outcome::kOk;
      },
      std::move(done));
}

Result<KvItem> SqliteKeyValue::Get(int64_t application_id, std::string_view key, int64_t now) {
  return db_.Read([&](Connection& c) -> Result<KvItem> {
    StatementUse query(c,
                       "SELECT key, value, expires_at FROM kv_items "
                       "WHERE application_id = ? AND key = ? AND expires_at > ?");
    query.Bind(1, application_id).Bind(2, key).Bind(3, now);
    // Confirms, in this snapshot, the key and application the call took from the cache.
    if (db_.lookups().AnsweredFromCache()) db_.ObserveGeneration(c);
    if (query.Step()) return KvItem{query.Text(0), query.Text(1), query.Int(2)};
    // Nothing found may mean the application was deleted after the caller resolved it.
    return Database::ApplicationExists(c, application_id) ? Outcome::kNotFound
                                                          : Outcome::kApplicationGone;
  });
}

Outcome SqliteKeyValue::Delete(int64_t application_id, std::string_view key, int64_t now) {
  return db_.WriteOwnedBy(application_id,
                          [&](Connection& c) { return Remove(c, application_id, key, now); });
}

void SqliteKeyValue::DeleteAsync(int64_t application_id, std::string key, int64_t now,
                                 common::Completion<Outcome> done) {
  db_.WriteOwnedByAsync<Outcome>(
      application_id,
      [application_id, key = std::move(key), now](Connection& c) {
        return Remove(c, application_id, key, now);
      },
      std::move(done));
}

Result<std::vector<KvItem>> SqliteKeyValue::List(int64_t application_id, std::string_view prefix,
                                                 int64_t now, int64_t offset, int64_t limit,
                                                 bool with_values) {
  return db_.Read([&](Connection& c) -> Result<std::vector<KvItem>> {
    const std::string upper = PrefixUpperBound(prefix);
    // Both statements walk the primary key from `prefix`; neither uses LIKE, so no character
    // of a key acts as a wildcard.
    StatementUse query(c, upper.empty()
                              ? "SELECT key, value, expires_at FROM kv_items "
                                "WHERE application_id = ?1 AND key >= ?2 AND expires_at > ?4 "
                                "ORDER BY key LIMIT ?5 OFFSET ?6"
                              : "SELECT key, value, expires_at FROM kv_items "
                                "WHERE application_id = ?1 AND key >= ?2 AND key < ?3 "
                                "AND expires_at > ?4 ORDER BY key LIMIT ?5 OFFSET ?6");
    query.Bind(1, application_id).Bind(2, prefix).Bind(4, now).Bind(5, limit).Bind(6, offset);
    if (!upper.empty()) query.Bind(3, upper);
    std::vector<KvItem> items;
    while (query.Step()) {
      items.push_back(
          KvItem{query.Text(0), with_values ? query.Text(1) : std::string(), query.Int(2)});
    }
    // Items exist only while their application does; an empty page must check.
    if (items.empty() && !Database::ApplicationExists(c, application_id)) {
      return Outcome::kApplicationGone;
    }
    return items;
  });
}

int64_t SqliteKeyValue::DeleteExpired(int64_t now, int64_t limit) {
  return db_.Write([&](Connection& c) {
    StatementUse(c,
                 "DELETE FROM kv_items WHERE (application_id, key) IN ("
                 "SELECT application_id, key FROM kv_items WHERE expires_at <= ? LIMIT ?)")
        .Bind(1, now)
        .Bind(2, limit)
        .Run();
    return static_cast<int64_t>(c.Changes());
  });
}

}  // namespace coffer::store::sqlite
