#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "store/store.hpp"

namespace coffer::cli {

// A freshly generated service-account key: what the store keeps (public half) and the private
// key that only the credentials file will hold.
struct IssuedKey {
  store::ServiceKey key;
  std::string private_key_pem;
};

// Generates an RSA-2048 key with a random 32-hex-digit id. `key.account_id` is left 0.
IssuedKey IssueKey(std::vector<std::string> roles, std::string description, int64_t now);

// The official credentials file (SPEC 2.2), pretty-printed JSON with a final newline.
std::string CredentialsJson(const store::Account& account, const IssuedKey& issued);

}  // namespace coffer::cli
