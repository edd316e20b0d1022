#include "store/sqlite/migrations.hpp"

#include <string>

namespace coffer::store::sqlite {

namespace {

// Each entry moves the schema from version i to i + 1 (PRAGMA user_version). Never edit a
// released entry: append a new one.
constexpr const char* kMigrations[] = {
    // 1: accounts, service-account keys, applications.
    R"sql(
      CREATE TABLE accounts (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        name TEXT NOT NULL UNIQUE,
        email TEXT NOT NULL,
        api_key_hash TEXT NOT NULL DEFAULT '',
        created INTEGER NOT NULL);
      CREATE INDEX accounts_by_email ON accounts(email);
      CREATE TABLE service_keys (
        key_id TEXT PRIMARY KEY,
        account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
        public_key_pem TEXT NOT NULL,
        roles TEXT NOT NULL,
        description TEXT NOT NULL DEFAULT '',
        enabled INTEGER NOT NULL DEFAULT 1,
        created INTEGER NOT NULL) WITHOUT ROWID;
      CREATE INDEX service_keys_by_account ON service_keys(account_id);
      CREATE TABLE applications (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
        short_name TEXT NOT NULL,
        secure_record_storage INTEGER NOT NULL DEFAULT 0,
        modified INTEGER NOT NULL,
        UNIQUE (account_id, short_name));
    )sql",
    // 2: key-value items. Keys compare as bytes (BINARY collation), so a prefix is one range
    // of the primary key; the expiry index lets the sweeper find dead items without a scan.
    R"sql(
      CREATE TABLE kv_items (
        application_id INTEGER NOT NULL REFERENCES applications(id) ON DELETE CASCADE,
        key TEXT NOT NULL,
        value TEXT NOT NULL,
        expires_at INTEGER NOT NULL,
        PRIMARY KEY (application_id, key)) WITHOUT ROWID;
      CREATE INDEX kv_items_by_expiry ON kv_items(expires_at);
    )sql",
    // 3: secrets, sealed under per-application data keys wrapped by the master key.
    R"sql(
      CREATE TABLE meta (
        name TEXT PRIMARY KEY,
        value BLOB NOT NULL) WITHOUT ROWID;
      CREATE TABLE data_keys (
        application_id INTEGER PRIMARY KEY REFERENCES applications(id) ON DELETE CASCADE,
        wrapped_key BLOB NOT NULL);
      CREATE TABLE secrets (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        application_id INTEGER NOT NULL REFERENCES applications(id) ON DELETE CASCADE,
        name TEXT NOT NULL,
        sealed_value BLOB NOT NULL,
        sealed_description BLOB,
        created INTEGER NOT NULL,
        modified INTEGER NOT NULL,
        UNIQUE (application_id, name));
    )sql",
    // 4: the lookup generation (store/lookup_cache.hpp). Every change to an account, a service
    // key or an application adds one in its own transaction, whichever process makes it, so a
    // server that reads an unchanged number knows its cached keys and applications are current.
    R"sql(
      CREATE TABLE lookup_generation (
        only_row INTEGER PRIMARY KEY CHECK (only_row = 1),
        value INTEGER NOT NULL);
      INSERT INTO lookup_generation (only_row, value) VALUES (1, 0);
      CREATE TRIGGER accounts_inserted AFTER INSERT ON accounts
        BEGIN UPDATE lookup_generation SET value = value + 1; END;
      CREATE TRIGGER accounts_updated AFTER UPDATE ON accounts
        BEGIN UPDATE lookup_generation SET value = value + 1; END;
      CREATE TRIGGER accounts_deleted AFTER DELETE ON accounts
        BEGIN UPDATE lookup_generation SET value = value + 1; END;
      CREATE TRIGGER service_keys_inserted AFTER INSERT ON service_keys
        BEGIN UPDATE lookup_generation SET value = value + 1; END;
      CREATE TRIGGER service_keys_updated AFTER UPDATE ON service_keys
        BEGIN UPDATE lookup_generation SET value = value + 1; END;
      CREATE TRIGGER service_keys_deleted AFTER DELETE ON service_keys
        BEGIN UPDATE lookup_generation SET value = value + 1; END;
      CREATE TRIGGER applications_inserted AFTER INSERT ON applications
        BEGIN UPDATE lookup_generation SET value = value + 1; END;
      CREATE TRIGGER applications_updated AFTER UPDATE ON applications
        BEGIN UPDATE lookup_generation SET value = value + 1; END;
      CREATE TRIGGER applications_deleted AFTER DELETE ON applications
        BEGIN UPDATE lookup_generation SET value = value + 1; END;
    )sql",
    // 5: the audit log (SPEC 16, store/audit.hpp): records numbered from 1, each with the hash
    // of the one before; audit_head is the last one's number and hash, written with it.
    R"sql(
      CREATE TABLE audit_log (
        seq INTEGER PRIMARY KEY,
        time INTEGER NOT NULL,
        application_id INTEGER,
        entry TEXT NOT NULL,
        prev_hash TEXT NOT NULL,
        hash TEXT NOT NULL);
      CREATE INDEX audit_log_by_time ON audit_log (time);
      CREATE TABLE audit_head (
        only_row INTEGER PRIMARY KEY CHECK (only_row = 1),
        seq INTEGER NOT NULL,
        hash TEXT NOT NULL);
      INSERT INTO audit_head (only_row, seq, hash)
        VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');
    )sql",
};

constexpr int kSchemaVersion = static_cast<int>(std::size(kMigrations));

int UserVersion(Connection& connection) {
  StatementUse query(connection, "PRAGMA user_version");
  return query.Step() ? static_cast<int>(query.Int(0)) : 0;
}

}  // namespace

int SchemaVersion(Connection& connection) { return UserVersion(connection); }

int LatestSchemaVersion() { return kSchemaVersion; }

void Migrate(Connection& connection) {
  Transaction transaction(connection);
  const int version = UserVersion(connection);
  if (version > kSchemaVersion) {
    throw StoreError("the database schema (version " + std::to_string(version) +
                     ") is newer than this coffer (version " + std::to_string(kSchemaVersion) +
                     ")");
  }
  for (int next = version; next < kSchemaVersion; ++next) {
    connection.Exec(kMigrations[next]);
  }
  if (version != kSchemaVersion) {
    connection.Exec(("PRAGMA user_version = " + std::to_string(kSchemaVersion)).c_str());
  }
  transaction.Commit();
}

}  // namespace coffer::store::sqlite
