#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>

#include "common/secure_string.hpp"

namespace coffer::auth {

// A service account's credentials file (SPEC 2.2), as a client holds it.
struct ServiceCredentials {
  int64_t account_id = 0;
  std::string key_id;
  common::SecureString private_key_pem;
};

// The file is not a credentials file; the message says which member is wrong, never its value.
class CredentialsError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Reads the JSON of a credentials file: `account_id` a positive number, `key_id` and
// `private_key` non-empty strings. Throws CredentialsError.
ServiceCredentials ParseCredentials(std::string_view json_text);

// A compact RS256 token for `credentials` (SPEC 2.1): `kid` the key id, `iss` the account id,
// `iat` = `now`, `exp` = `now + lifetime` (1..3600 seconds). The other side of ParseJwt.
// Throws std::runtime_error when the key does not sign.
std::string SignServiceToken(const ServiceCredentials& credentials, int64_t now, int64_t lifetime);

}  // namespace coffer::auth
