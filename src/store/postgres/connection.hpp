#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "store/outcome.hpp"

// libpq's handle types (typedef'd as PGconn and PGresult in <libpq-fe.h>, which only the
// .cpp files of this folder include).
struct pg_conn;
struct pg_result;

namespace coffer::store::postgres {

// A statement broke a unique constraint (SQLSTATE 23505). Thrown out of a write so that its
// transaction rolls back, then turned into Outcome::kConflict by Database.
class UniqueViolation : public StoreError {
 public:
  using StoreError::StoreError;
};

// The server aborted the transaction to keep transactions serializable or to break a deadlock
// (SQLSTATE 40001, 40P01). Nothing was written; Database runs the write again.
class TransientConflict : public StoreError {
 public:
  using StoreError::StoreError;
};

// A lock the statement asked for with NOWAIT was held by another transaction (SQLSTATE
// 55P03). Nothing was written.
class LockNotAvailable : public StoreError {
 public:
  using StoreError::StoreError;
};

// True when PostgreSQL can hold `s` as text: valid UTF-8 without NUL. A lookup by a string
// that is not text can match nothing stored, so callers answer "not found" without asking.
bool IsText(std::string_view s);

// One statement parameter. Strings and bytes travel as their raw bytes (binary format), so no
// byte of a key or a value is ever escaped or interpreted; integers and arrays travel as text,
// so the server converts them to whatever type the statement infers.
class Param {
 public:
  static Param Int(int64_t value);
  static Param Bool(bool value);
  // A text parameter; the server refuses it unless IsText(value).
  static Param Text(std::string_view value);
  static Param Bytes(std::string_view value);
  // Bytes, or SQL NULL when absent.
  static Param OptionalBytes(const std::optional<std::string>& value);
  static Param OptionalText(const std::optional<std::string>& value);
  static Param OptionalBool(const std::optional<bool>& value);
  static Param OptionalInt(const std::optional<int64_t>& value);
  static Param IntArray(const std::vector<int64_t>& values);
  // An array of text; every element must be text (IsText).
  static Param TextArray(const std::vector<std::string>& values);
  // An array of byte strings (bytea[]), any bytes.
  static Param BytesArray(const std::vector<std::string>& values);

  bool null() const { return null_; }
  bool binary() const { return binary_; }
  const std::string& data() const { return data_; }

 private:
  Param(std::string data, bool null, bool binary)
      : data_(std::move(data)), null_(null), binary_(binary) {}

  std::string data_;
  bool null_;
  bool binary_;
};

// The rows a statement returned, in binary format, owned until destruction. Columns are read
// by their index; asking for a type the column does not hold is a bug (throws StoreError).
class Rows {
 public:
  explicit Rows(pg_result* result);
  ~Rows();
  Rows(Rows&& other) noexcept;
  Rows& operator=(Rows&&) = delete;
  Rows(const Rows&) = delete;
  Rows& operator=(const Rows&) = delete;

  int size() const;
  bool empty() const { return size() == 0; }
  // Rows changed by an INSERT, UPDATE or DELETE without RETURNING.
  int64_t affected() const;

  bool IsNull(int row, int column) const;
  // bigint, integer or smallint.
  int64_t Int(int row, int column) const;
  bool Bool(int row, int column) const;
  // text or bytea, as stored.
  std::string Bytes(int row, int column) const;
  std::optional<std::string> OptionalBytes(int row, int column) const;
  // A one-dimensional text[] without NULL elements.
  std::vector<std::string> TextArray(int row, int column) const;

 private:
  std::string_view Raw(int row, int column) const;

  pg_result* result_;
};

// Everything a connection needs to know to open: a libpq URI or key=value string, and how long
// to wait for the server.
struct ConnectionOptions {
  // libpq connection URI or key=value string (the PG* environment variables fill in what it
  // leaves out). Required.
  std::string url;
  // Seconds to wait for the server when connecting, unless `url` says otherwise.
  int connect_timeout_s = 3;
  // Longest wait for the answer to one statement. A server that stops answering (frozen, or cut
  // off without a reset) then costs the session, which is dropped, and the call throws
  // StoreUnavailable instead of waiting for ever.
  std::chrono::milliseconds statement_timeout{7'000};
};

// One session with the server: durable commits (synchronous_commit on), UTF-8, READ COMMITTED
// unless a transaction says otherwise. Statements with parameters are prepared once per
// connection and reused. Once the session breaks, every call throws StoreUnavailable and broken()
// turns true; the owner discards it. Not thread-safe: one user at a time.
class Connection {
 public:
  // Connects and sets the session up. Throws StoreUnavailable (never naming the password).
  explicit Connection(const ConnectionOptions& options);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // Runs `sql` with `params` ($1, $2, ...) as a prepared statement. Throws UniqueViolation,
  // TransientConflict, StoreUnavailable when the server cannot serve now (gone, starting,
  // stopping, out of connections), or StoreError for any other failure.
  Rows Exec(const char* sql, const std::vector<Param>& params = {});
  // Runs one or more statements without parameters and without preparing them (migrations,
  // transaction control). Throws as Exec.
  void Script(const char* sql);

  // False once the session is known to be unusable.
  bool broken() const;
  // Checks, without a round trip, that an idle session was not closed by the server (restart,
  // administrator) while it sat in a pool.
  bool LooksAlive();
  // Whether a transaction is open (or failed and not yet rolled back).
  bool InTransaction() const;
  // The session's socket, for waiting until the server says something (or goes away).
  int socket() const;

 private:
  const std::string& Prepare(const char* sql);
  // The result of the statement just sent (the first error of several, else the last), within
  // statement_timeout; nullptr when the session broke.
  pg_result* Await(bool sent);
  Rows Check(pg_result* result);

  pg_conn* conn_;
  std::chrono::milliseconds statement_timeout_;
  bool timed_out_ = false;  // an answer never came: the session's state is unknown
  // SQL text -> name of its prepared statement on this session.
  std::unordered_map<std::string, std::string> prepared_;
};

}  // namespace coffer::store::postgres
