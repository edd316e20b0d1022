#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace coffer::common {

// A fully read HTTP request, as the transport hands it to the application layer.
struct HttpRequest {
  std::string method;  // "GET", "POST", ...
  std::string target;  // origin-form, e.g. "/platform_api/GetSecrets?application_id=1"
  std::string content_type;
  std::optional<std::string> authorization;
  std::string body;
};

// What the application layer answers; the transport adds framing and connection headers.
struct HttpResponse {
  int status = 200;
  std::string content_type = "application/json; charset=utf-8";
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
};

}  // namespace coffer::common
