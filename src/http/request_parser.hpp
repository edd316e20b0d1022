#pragma once

// Beast's request parser plus the request checks Beast leaves to the application.

#include <boost/beast/http.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "common/wiping_allocator.hpp"

namespace coffer::http {

// A request's header fields and body in memory that is wiped when freed or outgrown: a query
// string or a body may carry a secret value.
using RequestFields = boost::beast::http::basic_fields<common::WipingAllocator<char>>;
using RequestBody = boost::beast::http::basic_string_body<char, std::char_traits<char>,
                                                          common::WipingAllocator<char>>;
using RequestHeader = boost::beast::http::request_header<RequestFields>;

// A request parser that refuses a header or trailer field too long for Beast's field storage
// (a name or value of 64 KiB or more) with http::error::header_limit, where Beast's own parser
// would throw std::length_error out of the I/O thread.
class RequestParser final
    : public boost::beast::http::request_parser<RequestBody, common::WipingAllocator<char>> {
 private:
  void on_field_impl(boost::beast::http::field name, boost::beast::string_view name_string,
                     boost::beast::string_view value, boost::beast::error_code& ec) override;
};

// The status that refuses a request whose header is unsafe to act on, or nullopt when it is
// fine: 400 for an HTTP/1.1 request without exactly one Host (RFC 9112 section 3.2) and for a
// Transfer-Encoding whose final coding is not `chunked` or that repeats `chunked` (the body
// length would be ambiguous, which request smuggling exploits; section 6.3); 501 for a
// transfer coding other than chunked.
std::optional<int> FramingRefusal(const RequestHeader& header);

// The origin form (`/path?query`) of an absolute-form target (`http://host/path?query`, RFC
// 9112 section 3.2.2); any other target unchanged.
std::string OriginForm(std::string_view target);

}  // namespace coffer::http
