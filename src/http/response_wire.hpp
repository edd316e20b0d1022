#pragma once

#include <string>

#include "common/http_message.hpp"

namespace coffer::http {

// `response` as HTTP/1.1 bytes: status line, Server, Content-Type, its own header fields,
// `Connection: close` unless `keep_alive`, Content-Length, then the body unless `head` (a HEAD
// request's answer carries the header only, RFC 9110 section 9.3.2). Built in one allocation of
// the exact size, so no copy of the body (which may hold a secret value) is left behind in a
// buffer the string outgrew. The fields are the application's own: never client input.
std::string ResponseWire(const common::HttpResponse& response, bool keep_alive, bool head);

}  // namespace coffer::http
