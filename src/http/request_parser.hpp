#pragma once

// Beast's HTTP/1.1 request parser, keeping only what the server acts on, plus the request
// checks Beast leaves to the application.

#include <boost/beast/http/basic_parser.hpp>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "common/wiping_allocator.hpp"

namespace coffer::http {

// Memory that is wiped when freed or outgrown: a target's query string, a token or a body may
// carry a secret.
using WipingString = std::basic_string<char, std::char_traits<char>, common::WipingAllocator<char>>;

// Beast's parser does the framing (request line, fields, Content-Length, chunked bodies,
// Connection, the header and body limits); this keeps the method, target, version, the fields
// the server reads (Content-Type, Authorization, Expect), what the framing checks need (Host,
// Transfer-Encoding), and the body. Other fields and
// trailers are parsed and dropped, so reading a request allocates only for what is kept.
// Feed it with put() and put_eof() as basic_parser says; read the accessors once
// is_header_done() (body() once is_done()).
class RequestParser final : public boost::beast::http::basic_parser<true> {
 public:
  boost::beast::http::verb method() const { return method_; }
  std::string_view method_string() const { return method_string_; }
  std::string_view target() const { return target_; }
  unsigned version() const { return version_; }
  // The first of each field, or empty (nullopt) when the request has none.
  std::string_view content_type() const {
    return content_type_ ? std::string_view(*content_type_) : std::string_view();
  }
  const std::optional<WipingString>& authorization() const { return authorization_; }
  // True when the (first) Expect field asks for 100-continue.
  bool expects_continue() const { return expects_continue_; }
  // What FramingRefusal judges.
  std::size_t host_fields() const { return host_fields_; }
  const std::optional<std::string>& transfer_encoding() const { return transfer_encoding_; }
  const WipingString& body() const { return body_; }

 private:
  void on_request_impl(boost::beast::http::verb method, boost::beast::string_view method_string,
                       boost::beast::string_view target, int version,
                       boost::beast::error_code& ec) override;
  void on_response_impl(int, boost::beast::string_view, int, boost::beast::error_code&) override {}
  void on_field_impl(boost::beast::http::field name, boost::beast::string_view name_string,
                     boost::beast::string_view value, boost::beast::error_code& ec) override;
  void on_header_impl(boost::beast::error_code&) override {}
  void on_body_init_impl(const boost::optional<std::uint64_t>& content_length,
                         boost::beast::error_code& ec) override;
  std::size_t on_body_impl(boost::beast::string_view body, boost::beast::error_code& ec) override;
  void on_chunk_header_impl(std::uint64_t, boost::beast::string_view,
                            boost::beast::error_code&) override {}
  std::size_t on_chunk_body_impl(std::uint64_t, boost::beast::string_view body,
                                 boost::beast::error_code& ec) override;
  void on_finish_impl(boost::beast::error_code&) override {}

  boost::beast::http::verb method_ = boost::beast::http::verb::unknown;
  std::string method_string_;
  WipingString target_;
  unsigned version_ = 0;
  std::optional<std::string> content_type_;
  std::optional<WipingString> authorization_;
  bool expects_continue_ = false;
  bool expect_seen_ = false;
  std::size_t host_fields_ = 0;
  std::optional<std::string> transfer_encoding_;  // every Transfer-Encoding value, comma-joined
  WipingString body_;
};

// The status that refuses a request whose header is unsafe to act on, or nullopt when it is
// fine: 400 for an HTTP/1.1 request without exactly one Host (RFC 9112 section 3.2) and for a
// Transfer-Encoding whose final coding is not `chunked` or that repeats `chunked` (the body
// length would be ambiguous, which request smuggling exploits; section 6.3); 501 for a
// transfer coding other than chunked. `transfer_encoding` is every Transfer-Encoding field's
// value joined with commas, nullopt when there is none.
std::optional<int> FramingRefusal(unsigned version, std::size_t host_fields,
                                  const std::optional<std::string>& transfer_encoding);
inline std::optional<int> FramingRefusal(const RequestParser& parser) {
  return FramingRefusal(parser.version(), parser.host_fields(), parser.transfer_encoding());
}

// The origin form (`/path?query`) of an absolute-form target (`http://host/path?query`, RFC
// 9112 section 3.2.2); any other target unchanged.
std::string OriginForm(std::string_view target);

}  // namespace coffer::http
