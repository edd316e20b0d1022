// `coffer migrate`: a SQLite store copied row for row into an empty PostgreSQL database.

#include "store/copy.hpp"

#include <filesystem>

#include "common/strings.hpp"
#include "store/postgres/database.hpp"
#include "store/sqlite/connection.hpp"
#include "store/sqlite/database.hpp"
#include "store/sqlite/file_lock.hpp"

namespace coffer::store {

namespace {

// How a SQLite column becomes a PostgreSQL parameter.
enum class Column {
  kInt,
  kText,
  kBytes,
  kOptionalBytes,
  kOptionalInt,
  kBool,   // SQLite 0/1 -> boolean
  kRoles,  // SQLite "Owner,Developer" -> text[]
};

struct Table {
  const char* name;
  const char* select;  // from SQLite, in a stable order
  const char* insert;  // into PostgreSQL, $1.. in the select's column order
  std::vector<Column> columns;
  // The PostgreSQL sequence that draws this table's ids, continued past SQLite's, if any.
  const char* sequence = nullptr;
};

// Parents before children, for the foreign keys. Ids keep their values: secrets are sealed
// with their ids as associated data.
const std::vector<Table>& Tables() {
  static const std::vector<Table> tables = {
      {"accounts",
       "SELECT id, name, email, api_key_hash, created FROM accounts ORDER BY id",
       "INSERT INTO accounts (id, name, email, api_key_hash, created) OVERRIDING SYSTEM VALUE "
       "VALUES ($1, $2, $3, $4, $5)",
       {Column::kInt, Column::kText, Column::kText, Column::kText, Column::kInt},
       "accounts_id_seq"},
      {"service_keys",
       "SELECT key_id, account_id, public_key_pem, roles, description, enabled, created "
       "FROM service_keys ORDER BY key_id",
       "INSERT INTO service_keys (key_id, account_id, public_key_pem, roles, description, "
       "enabled, created) VALUES ($1, $2, $3, $4, $5, $6, $7)",
       {Column::kText, Column::kInt, Column::kText, Column::kRoles, Column::kText, Column::kBool,
        Column::kInt}},
      {"applications",
       "SELECT id, account_id, short_name, secure_record_storage, modified FROM applications "
       "ORDER BY id",
       "INSERT INTO applications (id, account_id, short_name, secure_record_storage, modified) "
       "OVERRIDING SYSTEM VALUE VALUES ($1, $2, $3, $4, $5)",
       {Column::kInt, Column::kInt, Column::kText, Column::kBool, Column::kInt},
       "applications_id_seq"},
      {"kv_items",
       "SELECT application_id, key, value, expires_at FROM kv_items ORDER BY application_id, key",
       "INSERT INTO kv_items (application_id, key, value, expires_at) VALUES ($1, $2, $3, $4)",
       {Column::kInt, Column::kBytes, Column::kBytes, Column::kInt}},
      {"meta",
       "SELECT name, value FROM meta ORDER BY name",
       "INSERT INTO meta (name, value) VALUES ($1, $2)",
       {Column::kText, Column::kBytes}},
      {"data_keys",
       "SELECT application_id, wrapped_key FROM data_keys ORDER BY application_id",
       "INSERT INTO data_keys (application_id, wrapped_key) VALUES ($1, $2)",
       {Column::kInt, Column::kBytes}},
      {"secrets",
       "SELECT id, application_id, name, sealed_value, sealed_description, created, modified "
       "FROM secrets ORDER BY id",
       "INSERT INTO secrets (id, application_id, name, sealed_value, sealed_description, "
       "created, modified) VALUES ($1, $2, $3, $4, $5, $6, $7)",
       {Column::kInt, Column::kInt, Column::kText, Column::kBytes, Column::kOptionalBytes,
        Column::kInt, Column::kInt},
       "secret_ids"},
      // The chain as it is: its hashes stay valid, and audit_head follows it
      // (CopySqliteToPostgres).
      {"audit_log",
       "SELECT seq, time, application_id, entry, prev_hash, hash FROM audit_log ORDER BY seq",
       "INSERT INTO audit_log (seq, time, application_id, entry, prev_hash, hash) "
       "VALUES ($1, $2, $3, $4, $5, $6)",
       {Column::kInt, Column::kInt, Column::kOptionalInt, Column::kText, Column::kText,
        Column::kText}},
  };
  return tables;
}

postgres::Param ParamOf(const sqlite::StatementUse& row, int index, Column column) {
  switch (column) {
    case Column::kInt:
      return postgres::Param::Int(row.Int(index));
    case Column::kText:
      return postgres::Param::Text(row.Text(index));
    case Column::kBytes:
      return postgres::Param::Bytes(row.Text(index));
    case Column::kOptionalBytes:
      return row.IsNull(index) ? postgres::Param::OptionalBytes(std::nullopt)
                               : postgres::Param::Bytes(row.Text(index));
    case Column::kOptionalInt:
      return row.IsNull(index) ? postgres::Param::OptionalInt(std::nullopt)
                               : postgres::Param::Int(row.Int(index));
    case Column::kBool:
      return postgres::Param::Bool(row.Int(index) != 0);
    case Column::kRoles: {
      std::vector<std::string> roles;
      const std::string joined = row.Text(index);
      if (!joined.empty()) {
        for (const auto part : common::Split(joined, ',')) roles.emplace_back(part);
      }
      return postgres::Param::TextArray(roles);
    }
  }
  throw StoreError("unknown column kind");
}

// The highest id SQLite ever gave in `table` (AUTOINCREMENT remembers deleted ones), or 0.
int64_t HighestId(sqlite::Connection& source, const char* table) {
  sqlite::StatementUse seq(source, "SELECT seq FROM sqlite_sequence WHERE name = ?");
  seq.Bind(1, std::string_view(table));
  int64_t highest = seq.Step() ? seq.Int(0) : 0;
  const std::string max_sql = std::string("SELECT coalesce(max(id), 0) FROM ") + table;
  sqlite::StatementUse max(source, max_sql.c_str());
  if (max.Step()) highest = std::max(highest, max.Int(0));
  return highest;
}

int64_t CountRows(postgres::Connection& target, const char* table) {
  return target.Exec((std::string("SELECT count(*) FROM ") + table).c_str()).Int(0, 0);
}

}  // namespace

CopiedRows CopySqliteToPostgres(const StorageOptions& from, const StorageOptions& to) {
  if (!std::filesystem::is_regular_file(from.sqlite_path)) {
    throw StoreError("no SQLite store at " + from.sqlite_path);
  }
  sqlite::Database source(sqlite::SqliteOptions{.path = from.sqlite_path});
  // Held to the end, so no server starts on the source while it is copied.
  const sqlite::FileLock alone(source.lock_path(), sqlite::FileLock::Mode::kExclusive);
  if (!alone.held()) {
    throw StoreError("a coffer server is running on " + from.sqlite_path + "; stop it first");
  }
  postgres::Database target(postgres::PostgresOptions{.url = to.postgres_url, .pool_size = 2});

  const CopiedRows copied = target.Transact([&](postgres::Connection& out) {
    // No node may write while the copy runs; the target must hold nothing at all.
    out.Script(
        "LOCK TABLE accounts, service_keys, applications, kv_items, meta, data_keys, secrets, "
        "audit_log, audit_head IN EXCLUSIVE MODE");
    for (const Table& table : Tables()) {
      if (CountRows(out, table.name) != 0) {
        throw StoreError(std::string("the PostgreSQL database is not empty: table ") + table.name +
                         " has rows; migrate only into a new database");
      }
    }
    return source.Read([&](sqlite::Connection& in) {
      CopiedRows rows;
      for (const Table& table : Tables()) {
        int64_t count = 0;
        sqlite::StatementUse select(in, table.select);
        while (select.Step()) {
          std::vector<postgres::Param> params;
          for (std::size_t i = 0; i < table.columns.size(); ++i) {
            params.push_back(ParamOf(select, static_cast<int>(i), table.columns[i]));
          }
          out.Exec(table.insert, params);
          ++count;
        }
        if (table.sequence != nullptr) {
          const int64_t highest = HighestId(in, table.name);
          if (highest > 0) {
            out.Exec("SELECT setval($1::text::regclass, $2)",
                     {postgres::Param::Text(table.sequence), postgres::Param::Int(highest)});
          }
        }
        rows.emplace_back(table.name, count);
      }
      sqlite::StatementUse head(in, "SELECT seq, hash FROM audit_head");
      if (head.Step()) {
        out.Exec("UPDATE audit_head SET seq = $1, hash = $2",
                 {postgres::Param::Int(head.Int(0)), postgres::Param::Text(head.Text(1))});
      }
      return rows;
    });
  });

  // Verified after the commit, on what any node now reads.
  target.Run([&](postgres::Connection& out) {
    for (const auto& [table, count] : copied) {
      const int64_t found = CountRows(out, table.c_str());
      if (found != count) {
        throw StoreError("verification failed: table " + table + " has " + std::to_string(found) +
                         " rows in PostgreSQL, " + std::to_string(count) + " in SQLite");
      }
    }
    return true;
  });
  return copied;
}

}  // namespace coffer::store
