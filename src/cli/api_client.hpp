#pragma once

#include <boost/json/value.hpp>
#include <chrono>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "auth/service_token.hpp"

namespace coffer::cli {

struct ApiClientOptions {
  // The server: `https://HOST[:PORT]` (or `http://` for a plain listener); a path is a prefix
  // before `/platform_api`. No default here: callers pick one.
  std::string server;
  // The service account to sign tokens for.
  auth::ServiceCredentials credentials;
  // PEM files of certificates to trust for HTTPS besides the system's (such as another Coffer's
  // self-signed DATA/tls/cert.pem). Peer verification and host-name checking are always on.
  std::vector<std::string> trusted_certificates;
  // The longest one connect, handshake, request or answer may take.
  std::chrono::seconds timeout{30};
};

// An error answer (SPEC 5): the server's code and message.
class ApiCallError : public std::runtime_error {
 public:
  ApiCallError(int code, const std::string& message) : std::runtime_error(message), code_(code) {}
  int code() const { return code_; }

 private:
  int code_;
};

// The credentials file at `path` (SPEC 2.2). Throws std::runtime_error naming the file and
// what is wrong with it.
auth::ServiceCredentials ReadCredentialsFile(const std::string& path);

using ApiParams = std::vector<std::pair<std::string, std::string>>;

// How a call is put on the wire (SPEC 1.2, 1.3): every form the server accepts.
enum class RequestForm {
  kUrlencoded,  // POST /platform_api/<method>, urlencoded body (the default)
  kQuery,       // GET /platform_api/<method>?<params>
  kJson,        // POST /platform_api/<method>, a JSON object body
  kMultipart,   // POST /platform_api, multipart/form-data with a `cmd` part first
  kCmd,         // POST /platform_api, urlencoded body with `cmd` first
};

// A client of /platform_api over one kept-alive HTTP(S) connection, signing a short-lived token
// with the credentials and renewing it before it expires. Not thread-safe.
class ApiClient {
 public:
  // Parses the server URL; connects on the first call. Throws std::runtime_error.
  explicit ApiClient(ApiClientOptions options);
  ~ApiClient();
  ApiClient(const ApiClient&) = delete;
  ApiClient& operator=(const ApiClient&) = delete;

  // POSTs `params` form-encoded to `/platform_api/<method>` and returns the whole JSON answer,
  // an error envelope (SPEC 5) included. A connection, TLS or HTTP failure, or an answer that
  // is not a JSON object, throws std::runtime_error. A call on a kept-alive connection the
  // server had closed is sent again once on a new connection.
  boost::json::value Send(std::string_view method, const ApiParams& params,
                          RequestForm form = RequestForm::kUrlencoded);
  // Send(), but an error answer throws ApiCallError.
  boost::json::value Call(std::string_view method, const ApiParams& params);

 private:
  struct Transport;
  std::string Token();

  ApiClientOptions options_;
  std::unique_ptr<Transport> transport_;
  std::string token_;
  int64_t token_expires_ = 0;
};

}  // namespace coffer::cli
