#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace coffer::crypto {

// Unpadded base64url (RFC 4648 section 5), as used by JWS compact serialisation.
std::string Base64UrlEncode(std::string_view bytes);

// Strict decoding: only the base64url alphabet, no padding, no whitespace, and no non-zero
// trailing bits. nullopt on anything else.
std::optional<std::string> Base64UrlDecode(std::string_view text);

}  // namespace coffer::crypto
