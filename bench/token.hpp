#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace coffer::bench {

// A compact RS256 JWS as the official clients build it: header {"alg":"RS256","typ":"JWT",
// "kid":...}, claims {"iss":account_id,"iat":...,"exp":...}, signed with a PEM private key.
std::string MintRs256Token(std::string_view private_key_pem, std::string_view key_id,
                           int64_t account_id, int64_t issued_at, int64_t expires_at);

}  // namespace coffer::bench
