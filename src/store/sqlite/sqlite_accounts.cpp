// Accounts and service-account keys of SqliteStore.

#include "store/sqlite/sqlite_accounts.hpp"

#include "common/strings.hpp"

namespace coffer::store::sqlite {

namespace {

// Roles are stored as one comma-separated column; role names contain no comma.
std::string JoinRoles(const std::vector<std::string>& roles) {
  std::string joined;
  for (const auto& role : roles) joined.append(joined.empty() ? "" : ",").append(role);
  return joined;
}

std::vector<std::string> SplitRoles(std::string_view joined) {
  std::vector<std::string> roles;
  if (joined.empty()) return roles;
  for (auto part : common::Split(joined, ',')) roles.emplace_back(part);
  return roles;
}

Account AccountFromRow(const StatementUse& row) {
  return Account{row.Int(0), row.Text(1), row.Text(2), row.Text(3), row.Int(4)};
}

// A row of service_keys `k` joined with its account `a`, columns in the order of the struct.
ServiceKey KeyFromRow(const StatementUse& row) {
  return ServiceKey{row.Text(0), row.Int(1),      row.Text(2), SplitRoles(row.Text(3)),
                    row.Text(4), row.Int(5) != 0, row.Int(6),  row.Text(7)};
}

void InsertKey(Connection& c, const ServiceKey& key) {
  StatementUse(c,
               "INSERT INTO service_keys (key_id, account_id, public_key_pem, roles, description, "
               "enabled, created) VALUES (?, ?, ?, ?, ?, ?, ?)")
      .Bind(1, key.key_id)
      .Bind(2, key.account_id)
      .Bind(3, key.public_key_pem)
      .Bind(4, JoinRoles(key.roles))
      .Bind(5, key.description)
      .Bind(6, int64_t{key.enabled ? 1 : 0})
      .Bind(7, key.created)
      .Run();
}

template <typename Value>
std::optional<Account> FindAccountBy(Connection& c, const char* sql, const Value& value) {
  StatementUse query(c, sql);
  query.Bind(1, value);
  if (!query.Step()) return std::nullopt;
  return AccountFromRow(query);
}

bool AnyAccount(Connection& c) { return StatementUse(c, "SELECT 1 FROM accounts LIMIT 1").Step(); }

Account InsertAccount(Connection& c, const std::string& name, const std::string& email,
                      int64_t created, ServiceKey first_key) {
  StatementUse(c, "INSERT INTO accounts (name, email, created) VALUES (?, ?, ?)")
      .Bind(1, name)
      .Bind(2, email)
      .Bind(3, created)
      .Run();
  Account account{c.LastInsertRowId(), name, email, "", created};
  first_key.account_id = account.id;
  InsertKey(c, first_key);
  return account;
}

}  // namespace

bool SqliteAccounts::HasAny() { return db_.Read(AnyAccount); }

Result<Account> SqliteAccounts::Create(const std::string& name, const std::string& email,
                                       int64_t created, ServiceKey first_key) {
  return db_.Write([&](Connection& c) -> Result<Account> {
    return InsertAccount(c, name, email, created, first_key);
  });
}

Result<Account> SqliteAccounts::CreateFirst(const std::string& name, const std::string& email,
                                            int64_t created, ServiceKey first_key) {
  // Decided inside the write: writes are serialized across connections and processes, so of
  // racing callers only the first to write finds the table empty.
  return db_.Write([&](Connection& c) -> Result<Account> {
    if (AnyAccount(c)) return Outcome::kConflict;
    return InsertAccount(c, name, email, created, first_key);
  });
}

std::optional<Account> SqliteAccounts::FindById(int64_t id) {
  return db_.Read([&](Connection& c) {
    return FindAccountBy(
        c, "SELECT id, name, email, api_key_hash, created FROM accounts WHERE id = ?", id);
  });
}

std::optional<Account> SqliteAccounts::FindByName(std::string_view name) {
  return db_.Read([&](Connection& c) {
    return FindAccountBy(
        c, "SELECT id, name, email, api_key_hash, created FROM accounts WHERE name = ?", name);
  });
}

std::optional<Account> SqliteAccounts::FindByEmail(std::string_view email) {
  return db_.Read([&](Connection& c) {
    return FindAccountBy(c,
                         "SELECT id, name, email, api_key_hash, created FROM accounts "
                         "WHERE email = ? ORDER BY id LIMIT 1",
                         email);
  });
}

Outcome SqliteAccounts::SetApiKeyHash(int64_t account_id, const std::string& hash) {
  return db_.Write([&](Connection& c) {
    StatementUse(c, "UPDATE accounts SET api_key_hash = ? WHERE id = ?")
        .Bind(1, hash)
        .Bind(2, account_id)
        .Run();
    return c.Changes() > 0 ? Outcome::kOk : Outcome::kNotFound;
  });
}

Outcome SqliteAccounts::AddKey(const ServiceKey& key) {
  return db_.Write([&](Connection& c) {
    if (!StatementUse(c, "SELECT 1 FROM accounts WHERE id = ?").Bind(1, key.account_id).Step()) {
      return Outcome::kNotFound;
    }
    InsertKey(c, key);
    return Outcome::kOk;
  });
}

std::optional<ServiceKey> SqliteAccounts::FindKey(std::string_view key_id) {
  if (auto cached = db_.lookups().FindKey(key_id)) return cached;
  return db_.Read([&](Connection& c) -> std::optional<ServiceKey> {
    StatementUse query(c,
                       "SELECT k.key_id, k.account_id, k.public_key_pem, k.roles, k.description, "
                       "k.enabled, k.created, a.name FROM service_keys k "
                       "JOIN accounts a ON a.id = k.account_id WHERE k.key_id = ?");
    query.Bind(1, key_id);
    if (!query.Step()) return std::nullopt;
    ServiceKey key = KeyFromRow(query);
    db_.lookups().Remember(key, db_.ObserveGeneration(c));
    return key;
  });
}

std::vector<ServiceKey> SqliteAccounts::ListKeys(int64_t account_id) {
  return db_.Read([&](Connection& c) {
    StatementUse query(c,
                       "SELECT k.key_id, k.account_id, k.public_key_pem, k.roles, k.description, "
                       "k.enabled, k.created, a.name FROM service_keys k "
                       "JOIN accounts a ON a.id = k.account_id "
                       "WHERE k.account_id = ? ORDER BY k.created, k.key_id");
    query.Bind(1, account_id);
    std::vector<ServiceKey> keys;
    while (query.Step()) keys.push_back(KeyFromRow(query));
    return keys;
  });
}

Outcome SqliteAccounts::DeleteKey(std::string_view key_id) {
  return db_.Write([&](Connection& c) {
    StatementUse(c, "DELETE FROM service_keys WHERE key_id = ?").Bind(1, key_id).Run();
    return c.Changes() > 0 ? Outcome::kOk : Outcome::kNotFound;
  });
}

}  // namespace coffer::store::sqlite
