#include "store/sqlite/connection.hpp"

#include <sqlite3.h>

namespace coffer::store::sqlite {

Statement::~Statement() { sqlite3_finalize(stmt_); }

StatementUse::StatementUse(Connection& connection, const char* sql)
    : connection_(connection), stmt_(connection.Prepare(sql)) {}

StatementUse::~StatementUse() {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
}

StatementUse& StatementUse::Bind(int index, int64_t value) {
  if (const int rc = sqlite3_bind_int64(stmt_, index, value); rc != SQLITE_OK) {
    connection_.Fail(rc, "bind");
  }
  return *this;
}

StatementUse& StatementUse::Bind(int index, std::string_view text) {
  const int rc =
      sqlite3_bind_text64(stmt_, index, text.data(), text.size(), SQLITE_TRANSIENT, SQLITE_UTF8);
  if (rc != SQLITE_OK) connection_.Fail(rc, "bind");
  return *this;
}

StatementUse& StatementUse::BindBlob(int index, std::string_view bytes) {
  const int rc = sqlite3_bind_blob64(stmt_, index, bytes.data(), bytes.size(), SQLITE_TRANSIENT);
  if (rc != SQLITE_OK) connection_.Fail(rc, "bind");
  return *this;
}

StatementUse& StatementUse::BindNull(int index) {
  if (const int rc = sqlite3_bind_null(stmt_, index); rc != SQLITE_OK) connection_.Fail(rc, "bind");
  return *this;
}

bool StatementUse::Step() {
  const int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  connection_.Fail(rc, "step");
}

void StatementUse::Run() {
  while (Step()) {
  }
}

int64_t StatementUse::Int(int column) const { return sqlite3_column_int64(stmt_, column); }

std::string StatementUse::Text(int column) const {
  const auto* data = static_cast<const char*>(sqlite3_column_blob(stmt_, column));
  const int size = sqlite3_column_bytes(stmt_, column);
  return data == nullptr ? std::string() : std::string(data, static_cast<std::size_t>(size));
}

bool StatementUse::IsNull(int column) const {
  return sqlite3_column_type(stmt_, column) == SQLITE_NULL;
}

namespace {

// A handle on `path` opened with `flags`, reporting extended result codes; throws StoreError.
sqlite3* OpenHandle(const std::string& path, int flags, int busy_timeout_ms) {
  sqlite3* db = nullptr;
  const int rc = sqlite3_open_v2(path.c_str(), &db, flags | SQLITE_OPEN_NOMUTEX, nullptr);
  if (rc != SQLITE_OK) {
    const std::string message = db ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
    sqlite3_close(db);
    throw StoreError("cannot open database " + path + ": " + message);
  }
  sqlite3_extended_result_codes(db, 1);
  sqlite3_busy_timeout(db, busy_timeout_ms);
  return db;
}

}  // namespace

Connection::Connection(const std::string& path, int busy_timeout_ms, bool read_only)
    : db_(OpenHandle(path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, busy_timeout_ms)) {
  try {
    // The first statement reads the file's header: a file that is not a database fails here.
    Exec("PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;");
    if (read_only) Exec("PRAGMA query_only=1;");
  } catch (const StoreError& e) {
    sqlite3_close_v2(db_);  // the destructor does not run for a constructor that threw
    db_ = nullptr;
    throw StoreError("cannot open database " + path + ": " + e.what());
  }
}

Connection::Connection(const std::string& path, ExistingFileReadOnly)
    : db_(OpenHandle(path, SQLITE_OPEN_READONLY, 5000)) {}

Connection::~Connection() {
  statements_.clear();
  sqlite3_close_v2(db_);
}

void Connection::Exec(const char* sql) {
  char* error = nullptr;
  const int rc = sqlite3_exec(db_, sql, nullptr, nullptr, &error);
  if (rc != SQLITE_OK) {
    std::string message = error ? error : sqlite3_errstr(rc);
    sqlite3_free(error);
    throw StoreError("sqlite: " + message);
  }
}

sqlite3_stmt* Connection::Prepare(const char* sql) {
  auto it = statements_.find(sql);
  if (it != statements_.end()) return it->second->get();
  sqlite3_stmt* stmt = nullptr;
  const int rc = sqlite3_prepare_v3(db_, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, nullptr);
  if (rc != SQLITE_OK) Fail(rc, "prepare");
  statements_.emplace(sql, std::make_unique<Statement>(stmt));
  return stmt;
}

int64_t Connection::LastInsertRowId() const { return sqlite3_last_insert_rowid(db_); }

int Connection::Changes() const { return sqlite3_changes(db_); }

bool Connection::InTransaction() const { return sqlite3_get_autocommit(db_) == 0; }

void Connection::Fail(int rc, std::string_view what) const {
  std::string message = "sqlite " + std::string(what) + ": " + sqlite3_errmsg(db_);
  if (rc == SQLITE_CONSTRAINT_UNIQUE || rc == SQLITE_CONSTRAINT_PRIMARYKEY) {
    throw UniqueViolation(message);
  }
  throw StoreError(message);
}

Transaction::Transaction(Connection& connection) : connection_(connection) {
  connection_.Exec("BEGIN IMMEDIATE");
}

Transaction::~Transaction() {
  if (!done_) {
    try {
      connection_.Exec("ROLLBACK");
    } catch (const StoreError&) {
      // The transaction is gone already (SQLite rolls back on some errors by itself).
    }
  }
}

void Transaction::Commit() {
  connection_.Exec("COMMIT");
  done_ = true;
}

// Cached statements, like the write queue's: a read is often a single cheap lookup.
ReadTransaction::ReadTransaction(Connection& connection) : connection_(connection) {
  StatementUse(connection_, "BEGIN").Run();
}

ReadTransaction::~ReadTransaction() {
  if (done_ || !connection_.InTransaction()) return;
  try {
    connection_.Exec("ROLLBACK");
  } catch (const StoreError&) {
    // Nothing was written; the next BEGIN on this connection reports a broken one.
  }
}

void ReadTransaction::Commit() {
  StatementUse(connection_, "COMMIT").Run();
  done_ = true;
}

}  // namespace coffer::store::sqlite
