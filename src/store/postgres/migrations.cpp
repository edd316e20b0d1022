#include "store/postgres/migrations.hpp"

#include <iterator>
#include <string>

#include "store/postgres/database.hpp"

namespace coffer::store::postgres {

namespace {

// Each entry moves the schema from version i to i + 1 (a row of schema_version). Never edit a
// released entry: append a new one.
// Names compare as bytes (COLLATE "C"); key-value keys and values, and sealed bytes, are bytea,
// so that ordering and prefix ranges are byte order and no byte is refused or rewritten.
constexpr const char* kMigrations[] = {
    // 1: accounts, service-account keys, applications, key-value items, secrets and their
    // data keys, and the store's own values (meta).
    R"sql(
      CREATE TABLE accounts (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        name text COLLATE "C" NOT NULL UNIQUE,
        email text COLLATE "C" NOT NULL,
        api_key_hash text COLLATE "C" NOT NULL DEFAULT '',
        created bigint NOT NULL);
      CREATE INDEX accounts_by_email ON accounts (email, id);
      CREATE TABLE service_keys (
        key_id text COLLATE "C" PRIMARY KEY,
        account_id bigint NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
        public_key_pem text NOT NULL,
        roles text[] NOT NULL,
        description text NOT NULL DEFAULT '',
        enabled boolean NOT NULL DEFAULT true,
        created bigint NOT NULL);
      CREATE INDEX service_keys_by_account ON service_keys (account_id);
      CREATE TABLE applications (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        account_id bigint NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
        short_name text COLLATE "C" NOT NULL,
        secure_record_storage boolean NOT NULL DEFAULT false,
        modified bigint NOT NULL,
        UNIQUE (account_id, short_name));
      CREATE INDEX applications_by_account ON applications (account_id, id);
      CREATE TABLE kv_items (
        application_id bigint NOT NULL REFERENCES applications (id) ON DELETE CASCADE,
        key bytea NOT NULL,
        value bytea NOT NULL,
        expires_at bigint NOT NULL,
        PRIMARY KEY (application_id, key));
      CREATE INDEX kv_items_by_expiry ON kv_items (expires_at);
      CREATE TABLE meta (
        name text COLLATE "C" PRIMARY KEY,
        value bytea NOT NULL);
      CREATE TABLE data_keys (
        application_id bigint PRIMARY KEY REFERENCES applications (id) ON DELETE CASCADE,
        wrapped_key bytea NOT NULL);
      -- A secret's id is drawn from secret_ids before its row is written: it is sealed into
      -- the ciphertext the row holds.
      CREATE SEQUENCE secret_ids AS bigint;
      CREATE TABLE secrets (
        id bigint PRIMARY KEY,
        application_id bigint NOT NULL REFERENCES applications (id) ON DELETE CASCADE,
        name text COLLATE "C" NOT NULL,
        sealed_value bytea NOT NULL,
        sealed_description bytea,
        created bigint NOT NULL,
        modified bigint NOT NULL,
        UNIQUE (application_id, name));
      ALTER SEQUENCE secret_ids OWNED BY secrets.id;
      CREATE INDEX secrets_by_application ON secrets (application_id, id);
    )sql",
    // 2: the lookup generation (lookup_cache.hpp). Every statement that changes an account, a
    // service key or an application, whoever runs it, adds one in its own transaction, so a node
    // that reads an unchanged number knows its cached keys and applications are still current.
    R"sql(
      CREATE TABLE lookup_generation (
        only_row boolean PRIMARY KEY DEFAULT true CHECK (only_row),
        value bigint NOT NULL);
      INSERT INTO lookup_generation (value) VALUES (0);
      CREATE FUNCTION next_lookup_generation() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        UPDATE lookup_generation SET value = value + 1;
        RETURN NULL;
      END $$;
      CREATE TRIGGER accounts_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON accounts
        FOR EACH STATEMENT EXECUTE FUNCTION next_lookup_generation();
      CREATE TRIGGER service_keys_changed
        AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON service_keys
        FOR EACH STATEMENT EXECUTE FUNCTION next_lookup_generation();
      CREATE TRIGGER applications_changed
        AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON applications
        FOR EACH STATEMENT EXECUTE FUNCTION next_lookup_generation();
    )sql",
    // 3: the audit log (SPEC 16, store/audit.hpp). audit_head's one row is locked by every
    // append until its transaction ends, so appends from every node form one chain.
    R"sql(
      CREATE TABLE audit_log (
        seq bigint PRIMARY KEY,
        time bigint NOT NULL,
        application_id bigint,
        entry text NOT NULL,
        prev_hash text NOT NULL,
        hash text NOT NULL);
      CREATE INDEX audit_log_by_time ON audit_log (time);
      CREATE TABLE audit_head (
        only_row integer PRIMARY KEY CHECK (only_row = 1),
        seq bigint NOT NULL,
        hash text NOT NULL);
      INSERT INTO audit_head (only_row, seq, hash) VALUES (1, 0, repeat('0', 64));
    )sql",
};

constexpr int kSchemaVersion = static_cast<int>(std::size(kMigrations));

// pg_advisory_xact_lock key of schema migrations: "coffer" in ASCII.
constexpr int64_t kMigrationLock = 0x636f66666572;

}  // namespace

int KnownSchemaVersion() { return kSchemaVersion; }

void Migrate(Connection& connection) {
  Transaction transaction(connection);
  connection.Exec("SELECT pg_advisory_xact_lock($1)", {Param::Int(kMigrationLock)});
  // Created only when missing, so a role that may not create tables can open a current schema.
  if (connection.Exec("SELECT to_regclass('schema_version') IS NULL").Bool(0, 0)) {
    connection.Script(
        "CREATE TABLE schema_version ("
        "version integer PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())");
  }
  const int version = static_cast<int>(
      connection.Exec("SELECT coalesce(max(version), 0) FROM schema_version").Int(0, 0));
  if (version > kSchemaVersion) {
    throw StoreError("the database schema (version " + std::to_string(version) +
                     ") is newer than this coffer (version " + std::to_string(kSchemaVersion) +
                     ")");
  }
  for (int next = version; next < kSchemaVersion; ++next) {
    connection.Script(kMigrations[next]);
    connection.Exec("INSERT INTO schema_version (version) VALUES ($1)", {Param::Int(next + 1)});
  }
  transaction.Commit();
}

}  // namespace coffer::store::postgres
