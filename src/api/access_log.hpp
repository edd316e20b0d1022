#pragma once

#include <functional>
#include <string>

#include "api/call_record.hpp"

namespace coffer::api {

// How access log lines are written.
enum class AccessLogFormat {
  kText,  // `method=GetSecrets status=200 code=0 ...`: key=value pairs, values never spaced
  kJson,  // one JSON object's members per line, for log shippers
};

// One line per `/platform_api` request: method, HTTP status, error code, latency, account, key
// id, application id and client address. Never a parameter, value, token or name the caller
// chose. Hands each line to `write`, which must be thread-safe.
class AccessLog final : public CallObserver {
 public:
  AccessLog(AccessLogFormat format, std::function<void(const std::string& line)> write);

  void Observe(const CallRecord& record, std::chrono::nanoseconds latency) noexcept override;

  // The line `record` gets (without a time stamp, which the writer adds).
  std::string Line(const CallRecord& record, std::chrono::nanoseconds latency) const;

 private:
  const AccessLogFormat format_;
  const std::function<void(const std::string&)> write_;
};

}  // namespace coffer::api
