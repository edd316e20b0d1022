#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "common/secure_string.hpp"

namespace coffer::crypto {

constexpr std::size_t kAeadKeyBytes = 32;    // AES-256
constexpr std::size_t kAeadNonceBytes = 12;  // 96-bit GCM nonce
constexpr std::size_t kAeadTagBytes = 16;

// AES-256-GCM with a fresh random nonce: returns nonce || ciphertext || tag. `key` must be
// kAeadKeyBytes long; `aad` is authenticated but not stored. Throws std::runtime_error.
std::string AeadSeal(std::string_view key, std::string_view plaintext, std::string_view aad);

// Reverses AeadSeal; nullopt when the input is too short, or the key, the associated data or
// any byte differs from sealing time.
std::optional<common::SecureString> AeadOpen(std::string_view key, std::string_view sealed,
                                             std::string_view aad);

}  // namespace coffer::crypto
