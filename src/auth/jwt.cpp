#include "auth/jwt.hpp"

#include <boost/json.hpp>
#include <cmath>
#include <limits>

#include "common/api_error.hpp"
#include "common/strings.hpp"
#include "crypto/base64url.hpp"

namespace coffer::auth {

namespace json = boost::json;
using common::ApiError;
using common::ErrorCode;

namespace {

[[noreturn]] void BadFormat() { throw ApiError(ErrorCode::kInvalidTokenFormat); }

json::object DecodeObject(std::string_view segment) {
  const auto bytes = crypto::Base64UrlDecode(segment);
  if (!bytes) BadFormat();
  boost::system::error_code ec;
  json::value value = json::parse(*bytes, ec);
  if (ec || !value.is_object()) BadFormat();
  return std::move(value.as_object());
}

// A JSON number as whole seconds; a fractional part is truncated.
std::optional<int64_t> NumericDate(const json::value& value) {
  if (value.is_int64()) return value.as_int64();
  if (value.is_uint64()) {
    if (value.as_uint64() > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
      return std::nullopt;
    }
    return static_cast<int64_t>(value.as_uint64());
  }
  if (value.is_double()) {
    const double d = std::trunc(value.as_double());
    if (!std::isfinite(d) || d < -9.0e18 || d > 9.0e18) return std::nullopt;
    return static_cast<int64_t>(d);
  }
  return std::nullopt;
}

int64_t RequiredDate(const json::object& claims, std::string_view name) {
  const json::value* value = claims.if_contains(name);
  if (value == nullptr) BadFormat();
  const auto date = NumericDate(*value);
  if (!date) BadFormat();
  return *date;
}

// `iss`: an integer JSON number or a string holding one.
int64_t Issuer(const json::object& claims) {
  const json::value* value = claims.if_contains("iss");
  if (value == nullptr) BadFormat();
  if (value->is_string()) {
    const auto parsed = common::ParseStrictInt64(value->as_string());
    if (!parsed) BadFormat();
    return *parsed;
  }
  if (value->is_double()) {
    const double d = value->as_double();
    if (d != std::trunc(d)) BadFormat();
  }
  const auto number = NumericDate(*value);
  if (!number) BadFormat();
  return *number;
}

}  // namespace

std::optional<std::string_view> BearerToken(std::string_view header_value) {
  constexpr std::string_view kScheme = "bearer ";
  if (header_value.size() <= kScheme.size()) return std::nullopt;
  if (!common::AsciiIEquals(header_value.substr(0, kScheme.size()), kScheme)) return std::nullopt;
  std::string_view token = header_value.substr(kScheme.size());
  if (token.empty() || token.front() == ' ') return std::nullopt;
  return token;
}

JwtToken ParseJwt(std::string_view token) {
  if (token.size() > kMaxJwtBytes) BadFormat();
  const auto first_dot = token.find('.');
  const auto second_dot =
      first_dot == std::string_view::npos ? first_dot : token.find('.', first_dot + 1);
  if (second_dot == std::string_view::npos ||
      token.find('.', second_dot + 1) != std::string_view::npos) {
    BadFormat();
  }
  const json::object header = DecodeObject(token.substr(0, first_dot));
  const json::object claims = DecodeObject(token.substr(first_dot + 1, second_dot - first_dot - 1));
  auto signature = crypto::Base64UrlDecode(token.substr(second_dot + 1));
  if (!signature) BadFormat();

  const json::value* alg = header.if_contains("alg");
  if (alg == nullptr || !alg->is_string() || alg->as_string() != "RS256") {
    throw ApiError(ErrorCode::kAuthorizationFailed);
  }
  // A `crit` header demands extensions (e.g. b64=false, which changes what is signed) that
  // Coffer does not implement, so such a token cannot be verified (RFC 7515 section 4.1.11).
  if (header.contains("crit")) throw ApiError(ErrorCode::kAuthorizationFailed);
  const json::value* kid = header.if_contains("kid");
  if (kid == nullptr || !kid->is_string()) BadFormat();

  JwtToken parsed;
  parsed.key_id = std::string(kid->as_string());
  parsed.issuer = Issuer(claims);
  parsed.issued_at = RequiredDate(claims, "iat");
  parsed.expires_at = RequiredDate(claims, "exp");
  if (claims.contains("nbf")) parsed.not_before = RequiredDate(claims, "nbf");
  parsed.signing_input = std::string(token.substr(0, second_dot));
  parsed.signature = std::move(*signature);
  return parsed;
}

}  // namespace coffer::auth
