#pragma once

#include <cstddef>
#include <string>
#include <utility>

#include "store/open.hpp"

namespace coffer::cli {

// Creates `dir` (mode 0700) if missing and checks that this process can write into it and that
// it, and the files Coffer trusts inside it (the SQLite database and its WAL, the TLS key), are
// private (RequirePrivate). Throws std::runtime_error naming the problem.
void PrepareDataDir(const std::string& dir);

// Refuses (std::runtime_error naming `path`, its owner or mode, and the fix) a file or directory
// that another user owns or that group or others may write: another local user could have
// planted or could swap what Coffer trusts (a master key, a database, a TLS key). A missing
// path passes.
void RequirePrivate(const std::string& path);

// The storage a data directory holds: the SQLite database DIR/coffer.db.
store::StorageOptions StorageIn(const std::string& dir);

// The storage the options name: the PostgreSQL database at `postgres_url` (at most `db_pool`
// connections) when it is set, else StorageIn(dir).
store::StorageOptions StorageFor(const std::string& dir, const std::string& postgres_url,
                                 std::size_t db_pool);

// The whole content of the file at `path`; throws std::runtime_error "cannot read <what> <path>".
std::string ReadWholeFile(const std::string& path, const std::string& what);

// Writes `content` to a new file `path` with `mode`; throws std::runtime_error if it exists or
// cannot be written (then removing what it made). The file is synced before returning.
void WriteNewFile(const std::string& path, const std::string& content, unsigned mode);

// Writes `content` to `path` with `mode`, replacing it. Throws std::runtime_error.
void WriteFileReplacing(const std::string& path, const std::string& content, unsigned mode);

}  // namespace coffer::cli
