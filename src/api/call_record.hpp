#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace coffer::api {

// What one `/platform_api` request was and how it ended, for metrics and the access log: filled
// in as the router learns it. Holds no parameter, value, token or name the caller chose.
struct CallRecord {
  // The method as the method table spells it; "" when the request named none that exists.
  std::string_view method = {};
  int status = 200;         // the HTTP status answered
  int error_code = 0;       // SPEC 5's code of an error answer; 0 for success
  int64_t account_id = 0;   // the authenticated account; 0 before authentication
  std::string key_id = {};  // the service key's id; "" for legacy credentials or none
  std::optional<int64_t> application_id = {};  // the application the call resolved, once it did
  std::string client = {};                     // the peer's IP address
  std::chrono::steady_clock::time_point received = {};  // when the request had been read
  // For the audit log only (SPEC 16), never the access log: whether the call is audited, the
  // secrets it named ("id:…", "name:…"), and whether its write carried its record already.
  bool audited = false;
  std::vector<std::string> secrets = {};
  std::vector<std::string> named = {};  // the applications it named: "application_id:…", …
  bool audit_appended = false;
};

// Told of every `/platform_api` request once its answer is ready. Must be thread-safe and must
// not throw; it runs on the thread that made the answer, so it must be quick.
class CallObserver {
 public:
  virtual ~CallObserver() = default;
  // `latency`: from `record.received` to the answer being ready.
  virtual void Observe(const CallRecord& record, std::chrono::nanoseconds latency) noexcept = 0;
};

}  // namespace coffer::api
