#include "http/request_parser.hpp"

#include <cstdint>
#include <limits>
#include <vector>

namespace coffer::http {

namespace beast = boost::beast;
namespace bhttp = boost::beast::http;

namespace {

// Beast stores a field's name (plus two bytes) and value lengths in 16 bits.
constexpr std::size_t kMaxFieldPart = std::numeric_limits<std::uint16_t>::max() - 2;

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// The comma-separated codings of every Transfer-Encoding field, in order.
std::vector<std::string_view> TransferCodings(const RequestHeader& header) {
  std::vector<std::string_view> codings;
  for (auto [it, end] = header.equal_range(bhttp::field::transfer_encoding); it != end; ++it) {
    std::string_view value = it->value();
    while (true) {
      const auto comma = value.find(',');
      codings.push_back(Trim(value.substr(0, comma)));
      if (comma == std::string_view::npos) break;
      value.remove_prefix(comma + 1);
    }
  }
  return codings;
}

}  // namespace

void RequestParser::on_field_impl(bhttp::field name, beast::string_view name_string,
                                  beast::string_view value, beast::error_code& ec) {
  if (name_string.size() > kMaxFieldPart || value.size() > kMaxFieldPart) {
    ec = bhttp::error::header_limit;
    return;
  }
  get().insert(name, name_string, value);
}

std::optional<int> FramingRefusal(const RequestHeader& header) {
  if (header.version() >= 11 && header.count(bhttp::field::host) != 1) return 400;
  if (header.count(bhttp::field::transfer_encoding) == 0) return std::nullopt;
  const auto codings = TransferCodings(header);
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
    if (rest[path] == '?') return "/" + std::string(rest.substr(path));
    return std::string(rest.substr(path));
  }
  return std::string(target);
}

}  // namespace coffer::http
