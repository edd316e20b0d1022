// A libpq session: RAII for PGconn and PGresult, prepared statements, binary results.

#include "store/postgres/connection.hpp"

#include <libpq-fe.h>
#include <poll.h>

#include <cerrno>
#include <cstring>

#include "common/utf8.hpp"

namespace coffer::store::postgres {

namespace {

// libpq's messages span lines (a hint on an indented second line); ours are one line, with
// each run of white space made one space.
std::string OneLine(const char* message) {
  std::string line;
  for (const char* c = message != nullptr ? message : ""; *c != '\0'; ++c) {
    const bool space = *c == '\n' || *c == '\t' || *c == ' ';
    if (!space) {
      line += *c;
    } else if (!line.empty() && line.back() != ' ') {
      line += ' ';
    }
  }
  if (!line.empty() && line.back() == ' ') line.pop_back();
  return line.empty() ? "unknown error" : line;
}

uint64_t BigEndian(std::string_view bytes) {
  uint64_t value = 0;
  for (const char byte : bytes) value = (value << 8) | static_cast<unsigned char>(byte);
  return value;
}

int32_t TakeInt32(std::string_view& bytes) {
  if (bytes.size() < 4) throw StoreError("a truncated array came from the database");
  const auto value = static_cast<int32_t>(static_cast<uint32_t>(BigEndian(bytes.substr(0, 4))));
  bytes.remove_prefix(4);
  return value;
}

void PutInt32(std::string& out, uint32_t value) {
  for (int shift = 24; shift >= 0; shift -= 8) out += static_cast<char>((value >> shift) & 0xFF);
}

// Session settings every connection starts with. synchronous_commit: a commit returns only once
// it is on stable storage (SPEC 14), whatever the server's default.
constexpr const char* kSessionSetup =
    "SET synchronous_commit TO on; SET client_encoding TO 'UTF8'; "
    "SET default_transaction_isolation TO 'read committed'; "
    "SET idle_in_transaction_session_timeout TO '60s'";

// SQLSTATEs of a server that cannot serve now but may shortly: connection exceptions (class
// 08), shutting down or starting up (57P01-57P03), out of connections (53300).
bool MeansUnavailable(std::string_view code) {
  return code.starts_with("08") || code == "57P01" || code == "57P02" || code == "57P03" ||
         code == "53300";
}

}  // namespace

bool IsText(std::string_view s) {
  return s.find('\0') == std::string_view::npos && common::IsValidUtf8(s);
}

Param Param::Int(int64_t value) { return Param(std::to_string(value), false, false); }
Param Param::Bool(bool value) { return Param(value ? "true" : "false", false, false); }
Param Param::Text(std::string_view value) { return Param(std::string(value), false, true); }
Param Param::Bytes(std::string_view value) { return Param(std::string(value), false, true); }

Param Param::OptionalBytes(const std::optional<std::string>& value) {
  return value ? Bytes(*value) : Param("", true, false);
}

Param Param::OptionalText(const std::optional<std::string>& value) {
  return value ? Text(*value) : Param("", true, false);
}

Param Param::OptionalInt(const std::optional<int64_t>& value) {
  return value ? Int(*value) : Param("", true, false);
}

Param Param::OptionalBool(const std::optional<bool>& value) {
  return value ? Bool(*value) : Param("", true, false);
}

Param Param::IntArray(const std::vector<int64_t>& values) {
  std::string literal = "{";
  for (const int64_t value : values) {
    if (literal.size() > 1) literal += ',';
    literal += std::to_string(value);
  }
  return Param(literal + "}", false, false);
}

Param Param::TextArray(const std::vector<std::string>& values) {
  // Every element quoted, with its quotes and backslashes escaped: the array literal syntax
  // gives no other character a meaning inside quotes.
  std::string literal = "{";
  for (const auto& value : values) {
    if (literal.size() > 1) literal += ',';
    literal += '"';
    for (const char c : value) {
      if (c == '"' || c == '\\') literal += '\\';
      literal += c;
    }
    literal += '"';
  }
  return Param(literal + "}", false, false);
}

Param Param::BytesArray(const std::vector<std::string>& values) {
  // Binary array format (as Rows::TextArray reads it): one dimension, no NULLs, bytea elements,
  // the length and lower bound 1, then each element as a length and its bytes.
  constexpr uint32_t kByteaType = 17;
  std::string data;
  std::size_t size = 20;
  for (const auto& value : values) size += 4 + value.size();
  data.reserve(size);
  PutInt32(data, values.empty() ? 0 : 1);
  PutInt32(data, 0);
  PutInt32(data, kByteaType);
  if (!values.empty()) {
    PutInt32(data, static_cast<uint32_t>(values.size()));
    PutInt32(data, 1);
  }
  for (const auto& value : values) {
    PutInt32(data, static_cast<uint32_t>(value.size()));
    data += value;
  }
  return Param(std::move(data), false, true);
}

Rows::Rows(pg_result* result) : result_(result) {}

Rows::~Rows() {
  if (result_ != nullptr) PQclear(result_);
}

Rows::Rows(Rows&& other) noexcept : result_(other.result_) { other.result_ = nullptr; }

int Rows::size() const { return PQntuples(result_); }

int64_t Rows::affected() const {
  const char* count = PQcmdTuples(result_);
  return count[0] == '\0' ? 0 : std::stoll(count);
}

bool Rows::IsNull(int row, int column) const { return PQgetisnull(result_, row, column) != 0; }

std::string_view Rows::Raw(int row, int column) const {
  if (row >= size() || column >= PQnfields(result_) || IsNull(row, column)) {
    throw StoreError("a database column was read that is absent or NULL");
  }
  return {PQgetvalue(result_, row, column),
          static_cast<std::size_t>(PQgetlength(result_, row, column))};
}

int64_t Rows::Int(int row, int column) const {
  const std::string_view raw = Raw(row, column);
  const uint64_t bits = BigEndian(raw);
  switch (raw.size()) {
    case 8:
      return static_cast<int64_t>(bits);
    case 4:
      return static_cast<int32_t>(static_cast<uint32_t>(bits));
    case 2:
      return static_cast<int16_t>(static_cast<uint16_t>(bits));
    default:
      throw StoreError("a database column read as an integer is not one");
  }
}

bool Rows::Bool(int row, int column) const {
  const std::string_view raw = Raw(row, column);
  if (raw.size() != 1) throw StoreError("a database column read as a boolean is not one");
  return raw[0] != 0;
}

std::string Rows::Bytes(int row, int column) const { return std::string(Raw(row, column)); }

std::optional<std::string> Rows::OptionalBytes(int row, int column) const {
  if (IsNull(row, column)) return std::nullopt;
  return Bytes(row, column);
}

std::vector<std::string> Rows::TextArray(int row, int column) const {
  // Binary array format: dimensions, a has-NULLs flag, the element type, then per dimension
  // its length and lower bound, then each element as a length and its bytes.
  std::string_view bytes = Raw(row, column);
  const int32_t dimensions = TakeInt32(bytes);
  TakeInt32(bytes);
  TakeInt32(bytes);
  std::vector<std::string> elements;
  if (dimensions == 0) return elements;
  if (dimensions != 1) throw StoreError("a multi-dimensional array came from the database");
  const int32_t count = TakeInt32(bytes);
  TakeInt32(bytes);
  for (int32_t i = 0; i < count; ++i) {
    const int32_t length = TakeInt32(bytes);
    if (length < 0 || static_cast<std::size_t>(length) > bytes.size()) {
      throw StoreError("a NULL or truncated array element came from the database");
    }
    elements.emplace_back(bytes.substr(0, length));
    bytes.remove_prefix(length);
  }
  return elements;
}

Connection::Connection(const ConnectionOptions& options)
    : statement_timeout_(options.statement_timeout) {
  // Defaults first: anything `url` names overrides them (libpq processes these in order).
  // Keepalives notice a server gone while a session idles, the user timeout one gone while a
  // statement is in flight, so that a call fails instead of waiting for ever.
  const std::string timeout = std::to_string(options.connect_timeout_s);
  const char* keywords[] = {
      "connect_timeout",  "application_name", "keepalives_idle", "keepalives_interval",
      "keepalives_count", "tcp_user_timeout", "dbname",          nullptr};
  const char* values[] = {timeout.c_str(),     "coffer", "10", "3", "3", "6000",
                          options.url.c_str(), nullptr};
  conn_ = PQconnectdbParams(keywords, values, /*expand_dbname=*/1);
  if (conn_ == nullptr) throw StoreError("cannot connect to PostgreSQL: out of memory");
  if (PQstatus(conn_) != CONNECTION_OK) {
    const std::string message = OneLine(PQerrorMessage(conn_));
    PQfinish(conn_);
    throw StoreUnavailable("cannot connect to PostgreSQL: " + message);
  }
  // Notices are for people at a console, not for a server's log.
  PQsetNoticeProcessor(
      conn_, [](void*, const char*) {}, nullptr);
  try {
    Script(kSessionSetup);
  } catch (...) {
    PQfinish(conn_);
    throw;
  }
}

Connection::~Connection() { PQfinish(conn_); }

bool Connection::broken() const { return timed_out_ || PQstatus(conn_) != CONNECTION_OK; }

bool Connection::InTransaction() const { return PQtransactionStatus(conn_) != PQTRANS_IDLE; }

int Connection::socket() const { return PQsocket(conn_); }

bool Connection::LooksAlive() {
  if (broken() || InTransaction()) return false;
  // An idle session receives nothing unless the server is about to close it (it says why
  // first) or has closed it; either way it is not worth a statement.
  pollfd fd{PQsocket(conn_), POLLIN, 0};
  return fd.fd >= 0 && poll(&fd, 1, 0) == 0;
}

const std::string& Connection::Prepare(const char* sql) {
  const auto found = prepared_.find(sql);
  if (found != prepared_.end()) return found->second;
  std::string name = "coffer_" + std::to_string(prepared_.size() + 1);
  Check(Await(PQsendPrepare(conn_, name.c_str(), sql, 0, nullptr) != 0));
  return prepared_.emplace(sql, std::move(name)).first->second;
}

Rows Connection::Exec(const char* sql, const std::vector<Param>& params) {
  const std::string& name = Prepare(sql);
  std::vector<const char*> values;
  std::vector<int> lengths;
  std::vector<int> formats;
  for (const auto& param : params) {
    values.push_back(param.null() ? nullptr : param.data().c_str());
    lengths.push_back(static_cast<int>(param.data().size()));
    formats.push_back(param.binary() ? 1 : 0);
  }
  return Check(Await(PQsendQueryPrepared(conn_, name.c_str(), static_cast<int>(params.size()),
                                         values.data(), lengths.data(), formats.data(),
                                         /*resultFormat=binary*/ 1) != 0));
}

void Connection::Script(const char* sql) { Check(Await(PQsendQuery(conn_, sql) != 0)); }

pg_result* Connection::Await(bool sent) {
  if (timed_out_) throw StoreUnavailable("the PostgreSQL session timed out before");
  if (!sent) return nullptr;
  const auto deadline = std::chrono::steady_clock::now() + statement_timeout_;
  pg_result* kept = nullptr;
  while (true) {
    while (PQisBusy(conn_) == 0) {
      pg_result* next = PQgetResult(conn_);
      if (next == nullptr) return kept;
      // As PQexec: the first error wins (the server skips what follows it), else the last.
      const bool kept_failed = kept != nullptr && PQresultStatus(kept) == PGRES_FATAL_ERROR;
      if (kept_failed) {
        PQclear(next);
      } else {
        PQclear(kept);
        kept = next;
      }
    }
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    pollfd fd{PQsocket(conn_), POLLIN, 0};
    const int ready = left.count() > 0 ? ::poll(&fd, 1, static_cast<int>(left.count())) : 0;
    if (ready < 0 && errno == EINTR) continue;
    if (ready == 0) {
      PQclear(kept);
      timed_out_ = true;
      throw StoreUnavailable("PostgreSQL did not answer within " +
                             std::to_string(statement_timeout_.count()) + " ms");
    }
    if (PQconsumeInput(conn_) == 0) {
      PQclear(kept);
      return nullptr;
    }
  }
}

Rows Connection::Check(pg_result* result) {
  Rows rows(result);
  const ExecStatusType status = result != nullptr ? PQresultStatus(result) : PGRES_FATAL_ERROR;
  if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK) return rows;
  if (broken() || result == nullptr) {
    throw StoreUnavailable("the PostgreSQL connection failed: " + OneLine(PQerrorMessage(conn_)));
  }
  // The primary message only: the detail may quote the values of the row.
  const char* state = PQresultErrorField(result, PG_DIAG_SQLSTATE);
  const std::string code = state != nullptr ? state : "";
  const std::string message =
      "PostgreSQL: " + OneLine(PQresultErrorField(result, PG_DIAG_MESSAGE_PRIMARY)) +
      " (SQLSTATE " + code + ")";
  if (code == "23505") throw UniqueViolation(message);
  if (code == "40001" || code == "40P01") throw TransientConflict(message);
  if (code == "55P03") throw LockNotAvailable(message);
  if (MeansUnavailable(code)) throw StoreUnavailable(message);
  throw StoreError(message);
}

}  // namespace coffer::store::postgres
