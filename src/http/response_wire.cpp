#include "http/response_wire.hpp"

#include <boost/beast/http/status.hpp>
#include <charconv>
#include <ostream>  // Boost.Core's string_view, used by the status header, needs it
#include <string_view>

namespace coffer::http {

namespace {

// The decimal digits of `number`, in `buffer`.
std::string_view Digits(std::size_t number, char (&buffer)[24]) {
  const auto end = std::to_chars(buffer, buffer + sizeof buffer, number).ptr;
  return std::string_view(buffer, static_cast<std::size_t>(end - buffer));
}

}  // namespace

std::string ResponseWire(const common::HttpResponse& response, bool keep_alive, bool head) {
  namespace bhttp = boost::beast::http;
  char status_buffer[24];
  char length_buffer[24];
  const std::string_view status = Digits(static_cast<std::size_t>(response.status), status_buffer);
  const std::string_view reason =
      bhttp::obsolete_reason(static_cast<bhttp::status>(response.status));
  const std::string_view length = Digits(response.body.size(), length_buffer);
  const std::string_view body = head ? std::string_view() : std::string_view(response.body);
  constexpr std::string_view kConnectionClose = "Connection: close\r\n";

  // Two passes over the same pieces: the first counts, the second writes.
  const auto pieces = [&](auto&& put) {
    put("HTTP/1.1 ");
    put(status);
    put(" ");
    put(reason);
    put("\r\nServer: coffer\r\nContent-Type: ");
    put(response.content_type);
    put("\r\n");
    for (const auto& [name, value] : response.headers) {
      put(name);
      put(": ");
      put(value);
      put("\r\n");
    }
    if (!keep_alive) put(kConnectionClose);
    put("Content-Length: ");
    put(length);
    put("\r\n\r\n");
    put(body);
  };
  std::size_t size = 0;
  pieces([&](std::string_view piece) { size += piece.size(); });
  std::string wire;
  wire.reserve(size);
  pieces([&](std::string_view piece) { wire.append(piece); });
  return wire;
}

}  // namespace coffer::http
