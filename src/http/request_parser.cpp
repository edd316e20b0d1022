#include "http/request_parser.hpp"

#include <boost/beast/core/string.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/field.hpp>
#include <cstdint>
#include <vector>

namespace coffer::http {

namespace beast = boost::beast;
namespace bhttp = boost::beast::http;

namespace {

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// The comma-separated codings, in order.
std::vector<std::string_view> Codings(std::string_view value) {
  std::vector<std::string_view> codings;
  while (true) {
    const auto comma = value.find(',');
    codings.push_back(Trim(value.substr(0, comma)));
    if (comma == std::string_view::npos) break;
    value.remove_prefix(comma + 1);
  }
  return codings;
}

}  // namespace

void RequestParser::on_request_impl(bhttp::verb method, beast::string_view method_string,
                                    beast::string_view target, int version, beast::error_code&) {
  method_ = method;
  method_string_.assign(method_string.data(), method_string.size());
  target_.assign(target.data(), target.size());
  version_ = static_cast<unsigned>(version);
}

void RequestParser::on_field_impl(bhttp::field name, beast::string_view, beast::string_view value,
                                  beast::error_code&) {
  if (is_header_done()) return;  // a trailer: never acted on
  switch (name) {
    case bhttp::field::host:
      ++host_fields_;
      break;
    case bhttp::field::content_type:
      if (!content_type_) content_type_.emplace(value.data(), value.size());
      break;
    case bhttp::field::authorization:
      if (!authorization_) authorization_.emplace(value.data(), value.size());
      break;
    case bhttp::field::expect:
      if (!expect_seen_) expects_continue_ = beast::iequals(value, "100-continue");
      expect_seen_ = true;
      break;
    case bhttp::field::transfer_encoding:
      if (transfer_encoding_) {
        transfer_encoding_->push_back(',');
      } else {
        transfer_encoding_.emplace();
      }
      transfer_encoding_->append(value.data(), value.size());
      break;
    default:
      break;
  }
}

void RequestParser::on_body_init_impl(const boost::optional<std::uint64_t>& content_length,
                                      beast::error_code& ec) {
  if (!content_length) return;
  if (*content_length > body_.max_size()) {
    ec = bhttp::error::buffer_overflow;
    return;
  }
  // Exactly once, so growing never leaves a copy behind.
  body_.reserve(static_cast<std::size_t>(*content_length));
}

std::size_t RequestParser::on_body_impl(beast::string_view body, beast::error_code&) {
  body_.append(body.data(), body.size());
  return body.size();
}

std::size_t RequestParser::on_chunk_body_impl(std::uint64_t, beast::string_view body,
                                              beast::error_code& ec) {
  return on_body_impl(body, ec);
}

std::optional<int> FramingRefusal(unsigned version, std::size_t host_fields,
                                  const std::optional<std::string>& transfer_encoding) {
  if (version >= 11 && host_fields != 1) return 400;
  if (!transfer_encoding) return std::nullopt;
  const auto codings = Codings(*transfer_encoding);
  const auto is_chunked = [](std::string_view coding) { return beast::iequals(coding, "chunked"); };
  if (!is_chunked(codings.back())) return 400;
  for (std::size_t i = 0; i + 1 < codings.size(); ++i) {
    if (is_chunked(codings[i])) return 400;  // chunked applied twice
  }
  if (codings.size() > 1) return 501;  // gzip, deflate, ...: not implemented
  return std::nullopt;
}

std::string OriginForm(std::string_view target) {
  for (const std::string_view scheme : {"http://", "https://"}) {
    if (target.size() < scheme.size() || !beast::iequals(target.substr(0, scheme.size()), scheme)) {
      continue;
    }
    const std::string_view rest = target.substr(scheme.size());
    const auto path = rest.find_first_of("/?");
    if (path == std::string_view::npos) return "/";
    std::string origin;
    if (rest[path] == '?') origin.push_back('/');
    origin.append(rest.substr(path));
    return origin;
  }
  return std::string(target);
}

}  // namespace coffer::http
