#pragma once

#include <functional>
#include <string>

namespace coffer::cli {

// How the server's log lines, access lines included, are written (`--log-format`).
enum class LogFormat {
  kText,  // `2026-12-03T10:00:00.123 info listening on ...`, local time
  kJson,  // `{"time":"2026-12-03T10:00:00.123456Z","level":"info","msg":"..."}`, UTC
};

// Makes the default logger write to standard error at `level` in `format`.
void ConfigureServerLog(const std::string& level, LogFormat format);

// Where access lines go: standard error for "-", else the file `path`, appended to (created
// 0600 if missing) and flushed every second. Each line gets a time stamp; in JSON the line
// handed over must be an object's members without braces. Throws std::runtime_error when the
// file cannot be opened.
std::function<void(const std::string& line)> OpenAccessLog(const std::string& path,
                                                           LogFormat format);

}  // namespace coffer::cli
