#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace coffer::auth {

// The parts of a service-account token that authentication needs.
struct JwtToken {
  std::string key_id;
  int64_t issuer = 0;  // the `iss` account id
  int64_t issued_at = 0;
  int64_t expires_at = 0;
  std::optional<int64_t> not_before;
  std::string signing_input;  // "<header>.<payload>" as received
  std::string signature;      // decoded bytes
};

// The longest token accepted (SPEC 2.1 step 2); a longer one is refused before any decoding.
inline constexpr std::size_t kMaxJwtBytes = 8192;

// Splits and decodes a compact JWS and checks steps 2-4 of SPEC 2.1: at most kMaxJwtBytes,
// three base64url segments whose first two are JSON objects (else ApiError 447); `alg` exactly
// RS256 (else 100); `kid` a string and `iss`, `iat`, `exp` (and `nbf` if present) of the specified
// types (else 447). The signature is not checked here.
JwtToken ParseJwt(std::string_view token);

// Extracts the token from an Authorization header value: scheme `Bearer` in any case, one
// space, a non-empty token. nullopt when the header does not have that shape.
std::optional<std::string_view> BearerToken(std::string_view header_value);

}  // namespace coffer::auth
