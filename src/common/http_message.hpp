#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
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
  std::string client;                              // the peer's IP address
  std::chrono::steady_clock::time_point received;  // when the whole request had been read
};

// What the application layer answers; the transport adds framing and connection headers.
struct HttpResponse {
  int status = 200;
  // Always a literal or other static text (a fixed set of types): no allocation per answer.
  std::string_view content_type = "application/json; charset=utf-8";
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
};

// Where the transport runs a request's handler.
enum class Placement {
  kWorker,  // on a worker thread, which may block on storage (the default)
  kInline,  // on the network thread that read it: answers that cannot block
  kStart,   // started on the network thread without blocking; answered later (Respond)
  // started on a worker thread, which may block on storage, and answered later (Respond), so
  // that a wait that needs no thread (an audit record's commit) does not hold the worker
  kWorkerStart,
};

// Builds an answer. The transport calls it once, on the connection's network thread.
using AnswerMaker = std::function<HttpResponse()>;

// How a request started on a network thread is answered: called exactly once, from any thread,
// with the function that builds the answer, which must not throw. Cheap: it hands the
// function over and returns.
using Respond = std::function<void(AnswerMaker)>;

}  // namespace coffer::common
