#pragma once

#include <array>
#include <string>
#include <string_view>

namespace coffer::crypto {

using Sha256Digest = std::array<unsigned char, 32>;

// SHA-256 of `data`, raw: no allocation, for hot paths (the verified-token cache).
Sha256Digest Sha256(std::string_view data);

// SHA-256 of `data`, as 64 lower-case hex digits.
std::string Sha256Hex(std::string_view data);

// Lower-case hex rendering of raw bytes.
std::string ToHex(std::string_view bytes);

// Compares in time that depends only on the lengths, not on where the inputs differ.
bool ConstantTimeEquals(std::string_view a, std::string_view b);

}  // namespace coffer::crypto
