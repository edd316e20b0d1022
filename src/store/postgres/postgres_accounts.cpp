// Accounts and service-account keys of PostgresStore. Accounts are never deleted, so a write
// about an account needs no lock on it: the foreign keys keep a key from outliving it.

#include "store/postgres/postgres_accounts.hpp"

namespace coffer::store::postgres {

namespace {

constexpr const char* kSelectAccount =
    "SELECT id, name, email, api_key_hash, created FROM accounts ";

// Columns of the struct, in its order, of service_keys `k` joined with its account `a`.
constexpr const char* kSelectKey =
    "SELECT k.key_id, k.account_id, k.public_key_pem, k.roles, k.description, k.enabled, "
    "k.created, a.name FROM service_keys k JOIN accounts a ON a.id = k.account_id ";

Account AccountAt(const Rows& rows, int row) {
  return Account{rows.Int(row, 0), rows.Bytes(row, 1), rows.Bytes(row, 2), rows.Bytes(row, 3),
                 rows.Int(row, 4)};
}

// One key by id, with the lookup generation of the read's snapshot last (LookupCache).
constexpr const char* kFindKey =
    "SELECT k.key_id, k.account_id, k.public_key_pem, k.roles, k.description, k.enabled, "
    "k.created, a.name, (SELECT value FROM lookup_generation) "
    "FROM service_keys k JOIN accounts a ON a.id = k.account_id WHERE k.key_id = $1";

ServiceKey KeyAt(const Rows& rows, int row) {
  return ServiceKey{rows.Bytes(row, 0),     rows.Int(row, 1),   rows.Bytes(row, 2),
                    rows.TextArray(row, 3), rows.Bytes(row, 4), rows.Bool(row, 5),
                    rows.Int(row, 6),       rows.Bytes(row, 7)};
}

std::optional<Account> FirstAccount(const Rows& rows) {
  if (rows.empty()) return std::nullopt;
  return AccountAt(rows, 0);
}

Account InsertAccount(Connection& c, const std::string& name, const std::string& email,
                      int64_t created, ServiceKey first_key) {
  const Rows inserted =
      c.Exec("INSERT INTO accounts (name, email, created) VALUES ($1, $2, $3) RETURNING id",
             {Param::Text(name), Param::Text(email), Param::Int(created)});
  Account account{inserted.Int(0, 0), name, email, "", created};
  first_key.account_id = account.id;
  c.Exec(
      "INSERT INTO service_keys (key_id, account_id, public_key_pem, roles, description, "
      "enabled, created) VALUES ($1, $2, $3, $4::text[], $5, $6, $7)",
      {Param::Text(first_key.key_id), Param::Int(first_key.account_id),
       Param::Text(first_key.public_key_pem), Param::TextArray(first_key.roles),
       Param::Text(first_key.description), Param::Bool(first_key.enabled),
       Param::Int(first_key.created)});
  return account;
}

}  // namespace

Result<Account> PostgresAccounts::Create(const std::string& name, const std::string& email,
                                         int64_t created, ServiceKey first_key) {
  // Both rows or neither: a taken name or key id rolls the whole write back (kConflict).
  return db_.Transact([&](Connection& c) -> Result<Account> {
    return InsertAccount(c, name, email, created, first_key);
  });
}

Result<Account> PostgresAccounts::CreateFirst(const std::string& name, const std::string& email,
                                              int64_t created, ServiceKey first_key) {
  return db_.Transact([&](Connection& c) -> Result<Account> {
    // The lock conflicts with itself and with every insert: racing bootstraps run one at a
    // time, and an account another write is adding commits first and is seen below.
    c.Script("LOCK TABLE accounts IN SHARE ROW EXCLUSIVE MODE");
    if (c.Exec("SELECT EXISTS (SELECT 1 FROM accounts)").Bool(0, 0)) return Outcome::kConflict;
    return InsertAccount(c, name, email, created, first_key);
  });
}

bool PostgresAccounts::HasAny() {
  return db_.Run(
      [](Connection& c) { return c.Exec("SELECT EXISTS (SELECT 1 FROM accounts)").Bool(0, 0); });
}

std::optional<Account> PostgresAccounts::FindById(int64_t id) {
  return db_.Run([&](Connection& c) {
    return FirstAccount(
        c.Exec((std::string(kSelectAccount) + "WHERE id = $1").c_str(), {Param::Int(id)}));
  });
}

std::optional<Account> PostgresAccounts::FindByName(std::string_view name) {
  if (!IsText(name)) return std::nullopt;
  return db_.Run([&](Connection& c) {
    return FirstAccount(
        c.Exec((std::string(kSelectAccount) + "WHERE name = $1").c_str(), {Param::Text(name)}));
  });
}

std::optional<Account> PostgresAccounts::FindByEmail(std::string_view email) {
  if (!IsText(email)) return std::nullopt;
  return db_.Run([&](Connection& c) {
    return FirstAccount(
        c.Exec((std::string(kSelectAccount) + "WHERE email = $1 ORDER BY id LIMIT 1").c_str(),
               {Param::Text(email)}));
  });
}

Outcome PostgresAccounts::SetApiKeyHash(int64_t account_id, const std::string& hash) {
  return db_.Transact([&](Connection& c) {
    const Rows updated = c.Exec("UPDATE accounts SET api_key_hash = $1 WHERE id = $2",
                                {Param::Text(hash), Param::Int(account_id)});
    return updated.affected() > 0 ? Outcome::kOk : Outcome::kNotFound;
  });
}

Outcome PostgresAccounts::AddKey(const ServiceKey& key) {
  // One statement: the account check and the insert see one snapshot.
  return db_.Transact([&](Connection& c) {
    const Rows counts = c.Exec(
        "WITH account AS (SELECT id FROM accounts WHERE id = $2), "
        "added AS (INSERT INTO service_keys (key_id, account_id, public_key_pem, roles, "
        "description, enabled, created) SELECT $1::text, id, $3::text, $4::text[], $5::text, "
        "$6::boolean, $7::bigint FROM account RETURNING 1) "
        "SELECT (SELECT count(*) FROM account), (SELECT count(*) FROM added)",
        {Param::Text(key.key_id), Param::Int(key.account_id), Param::Text(key.public_key_pem),
         Param::TextArray(key.roles), Param::Text(key.description), Param::Bool(key.enabled),
         Param::Int(key.created)});
    return counts.Int(0, 0) == 0 ? Outcome::kNotFound : Outcome::kOk;
  });
}

std::optional<ServiceKey> PostgresAccounts::FindKey(std::string_view key_id) {
  if (!IsText(key_id)) return std::nullopt;
  if (auto cached = db_.lookups().FindKey(key_id)) return cached;
  return db_.RunObserving([&](Connection& c) -> std::optional<ServiceKey> {
    const Rows rows = c.Exec(kFindKey, {Param::Text(key_id)});
    if (rows.empty()) return std::nullopt;
    ServiceKey key = KeyAt(rows, 0);
    db_.lookups().Remember(key, rows.Int(0, 8));
    return key;
  });
}

std::vector<ServiceKey> PostgresAccounts::ListKeys(int64_t account_id) {
  return db_.Run([&](Connection& c) {
    const Rows rows = c.Exec(
        (std::string(kSelectKey) + "WHERE k.account_id = $1 ORDER BY k.created, k.key_id").c_str(),
        {Param::Int(account_id)});
    std::vector<ServiceKey> keys;
    for (int row = 0; row < rows.size(); ++row) keys.push_back(KeyAt(rows, row));
    return keys;
  });
}

Outcome PostgresAccounts::DeleteKey(std::string_view key_id) {
  if (!IsText(key_id)) return Outcome::kNotFound;
  return db_.Transact([&](Connection& c) {
    const Rows deleted =
        c.Exec("DELETE FROM service_keys WHERE key_id = $1", {Param::Text(key_id)});
    return deleted.affected() > 0 ? Outcome::kOk : Outcome::kNotFound;
  });
}

}  // namespace coffer::store::postgres
