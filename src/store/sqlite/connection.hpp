#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "store/outcome.hpp"

struct sqlite3;
struct sqlite3_stmt;

namespace coffer::store::sqlite {

class Connection;

// A statement broke a UNIQUE or PRIMARY KEY constraint. Thrown out of a write so that its
// savepoint rolls back, then turned into Outcome::kConflict by the write's caller.
class UniqueViolation : public StoreError {
 public:
  using StoreError::StoreError;
};

// A prepared statement owned by its Connection's cache. Use through StatementUse, which binds
// and resets it; not thread-safe (neither is the Connection).
class Statement {
 public:
  explicit Statement(sqlite3_stmt* stmt) : stmt_(stmt) {}
  ~Statement();
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  sqlite3_stmt* get() const { return stmt_; }

 private:
  sqlite3_stmt* stmt_;
};

// One use of a cached statement: bind parameters (1-based), step through rows, and reset on
// destruction. Errors throw StoreError, unique-constraint violations UniqueViolation.
class StatementUse {
 public:
  StatementUse(Connection& connection, const char* sql);
  ~StatementUse();
  StatementUse(const StatementUse&) = delete;
  StatementUse& operator=(const StatementUse&) = delete;

  StatementUse& Bind(int index, int64_t value);
  StatementUse& Bind(int index, std::string_view text);
  StatementUse& BindBlob(int index, std::string_view bytes);
  StatementUse& BindNull(int index);

  // Advances to the next row; false when done.
  bool Step();
  // Runs a statement that returns no rows.
  void Run();

  int64_t Int(int column) const;
  std::string Text(int column) const;
  bool IsNull(int column) const;

 private:
  Connection& connection_;
  sqlite3_stmt* stmt_;
};

// An open SQLite database handle with a statement cache. Used by one thread at a time.
class Connection {
 public:
  // Opens (creating if needed) `path` in WAL mode with full sync and foreign keys on.
  // `busy_timeout_ms` bounds waiting for another process's write lock. Throws StoreError.
  Connection(const std::string& path, int busy_timeout_ms, bool read_only);
  // Opens the existing file `path` strictly read-only: nothing about it changes, its journal
  // mode included (for backups and the files they are restored from).
  struct ExistingFileReadOnly {};
  Connection(const std::string& path, ExistingFileReadOnly);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // Runs one or more statements without results. Throws StoreError.
  void Exec(const char* sql);
  // The cached statement for `sql` (keyed by the pointer: pass string literals).
  sqlite3_stmt* Prepare(const char* sql);
  int64_t LastInsertRowId() const;
  int Changes() const;
  // False once a transaction has ended, including when SQLite rolled it back by itself.
  bool InTransaction() const;
  sqlite3* handle() const { return db_; }

  // Throws the store exception matching `rc` with `what` and the database's message.
  [[noreturn]] void Fail(int rc, std::string_view what) const;

 private:
  sqlite3* db_ = nullptr;
  std::unordered_map<const char*, std::unique_ptr<Statement>> statements_;
};

// BEGIN IMMEDIATE ... COMMIT; rolls back unless Commit() was called.
class Transaction {
 public:
  explicit Transaction(Connection& connection);
  ~Transaction();
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  void Commit();

 private:
  Connection& connection_;
  bool done_ = false;
};

// BEGIN ... COMMIT around reads: every statement in between reads the one snapshot taken by the
// first, whatever commits meanwhile. Rolls back unless Commit() was called.
class ReadTransaction {
 public:
  explicit ReadTransaction(Connection& connection);
  ~ReadTransaction();
  ReadTransaction(const ReadTransaction&) = delete;
  ReadTransaction& operator=(const ReadTransaction&) = delete;
  void Commit();

 private:
  Connection& connection_;
  bool done_ = false;
};

}  // namespace coffer::store::sqlite
