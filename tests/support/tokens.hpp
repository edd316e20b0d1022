#pragma once

#include <string>
#include <string_view>

#include "crypto/base64url.hpp"
#include "crypto/rsa.hpp"

namespace coffer::testing_support {

// The unsigned part of a compact JWS: base64url(header) "." base64url(payload), from JSON text.
inline std::string SigningInput(std::string_view header_json, std::string_view payload_json) {
  return crypto::Base64UrlEncode(header_json) + "." + crypto::Base64UrlEncode(payload_json);
}

// A token with `signature_bytes` as its (possibly bogus) signature.
inline std::string UnsignedToken(std::string_view header_json, std::string_view payload_json,
                                 std::string_view signature_bytes = "sig") {
  return SigningInput(header_json, payload_json) + "." + crypto::Base64UrlEncode(signature_bytes);
}

// A token really signed RS256 with `private_pem`.
inline std::string SignedToken(std::string_view private_pem, std::string_view header_json,
                               std::string_view payload_json) {
  const std::string input = SigningInput(header_json, payload_json);
  return input + "." + crypto::Base64UrlEncode(crypto::SignRs256(private_pem, input));
}

// `{"alg":"RS256","typ":"JWT","kid":"<kid>"}`.
inline std::string Rs256Header(std::string_view kid) {
  return R"({"alg":"RS256","typ":"JWT","kid":")" + std::string(kid) + R"("})";
}

// `{"iss":<iss>,"iat":<iat>,"exp":<exp>}` with numbers.
inline std::string Claims(long long iss, long long iat, long long exp) {
  return R"({"iss":)" + std::to_string(iss) + R"(,"iat":)" + std::to_string(iat) + R"(,"exp":)" +
         std::to_string(exp) + "}";
}

}  // namespace coffer::testing_support
