#pragma once

#include <string>

namespace coffer::cli {

// Creates `dir` (mode 0700) if missing and checks that this process can write into it.
// Throws std::runtime_error naming the problem.
void PrepareDataDir(const std::string& dir);

// The SQLite database inside a data directory.
std::string DatabasePath(const std::string& dir);

// Writes `content` to a new file `path` with `mode`; throws std::runtime_error if it exists or
// cannot be written. The file is synced before returning.
void WriteNewFile(const std::string& path, const std::string& content, unsigned mode);

// Writes `content` to `path` with `mode`, replacing it. Throws std::runtime_error.
void WriteFileReplacing(const std::string& path, const std::string& content, unsigned mode);

}  // namespace coffer::cli
