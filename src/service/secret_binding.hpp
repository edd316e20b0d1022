#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace coffer::service {

// Associated data of a sealed secret field (docs/formats.md): a ciphertext opens only in the
// row and field it was written for.
inline std::string SecretBinding(int64_t account_id, int64_t application_id, int64_t secret_id,
                                 std::string_view field) {
  return "coffer:secret:v1:" + std::to_string(account_id) + ":" + std::to_string(application_id) +
         ":" + std::to_string(secret_id) + ":" + std::string(field);
}

}  // namespace coffer::service
