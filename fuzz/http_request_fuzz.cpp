// HTTP/1.1 requests as they arrive on a connection: the first byte sets how many bytes each
// read delivers, the rest is the stream. Whatever the parser accepts must come out within its
// limits and through the framing checks without a crash.
#include <boost/asio/buffer.hpp>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "http/request_parser.hpp"

namespace bhttp = boost::beast::http;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const std::size_t step = 1 + data[0] % 64;
  const std::string_view stream(reinterpret_cast<const char*>(data) + 1, size - 1);
  constexpr std::uint64_t kBodyLimit = 4096;
  coffer::http::RequestParser parser;
  parser.header_limit(2048);
  parser.body_limit(kBodyLimit);
  std::string pending;
  for (std::size_t at = 0; at < stream.size() && !parser.is_done();) {
    const std::size_t take = std::min(step, stream.size() - at);
    pending.append(stream.substr(at, take));
    at += take;
    while (!pending.empty() && !parser.is_done()) {
      boost::beast::error_code ec;
      const std::size_t used = parser.put(boost::asio::buffer(pending.data(), pending.size()), ec);
      if (used > pending.size()) std::abort();
      pending.erase(0, used);
      if (ec == bhttp::error::need_more) break;
      if (ec) return 0;
      if (parser.is_header_done()) {
        (void)coffer::http::FramingRefusal(parser);
        (void)coffer::http::OriginForm(parser.target());
      }
      if (used == 0) break;
    }
  }
  if (parser.is_done() && parser.body().size() > kBodyLimit) std::abort();
  return 0;
}
