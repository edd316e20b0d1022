#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "common/secure_string.hpp"

namespace coffer::crypto {

// scrypt's cost parameters (RFC 7914). The defaults take about 128 MiB and a few tenths of a
// second, as recommended for keys that protect data at rest.
struct ScryptParams {
  uint64_t n = uint64_t{1} << 17;  // CPU and memory cost, a power of two
  uint64_t r = 8;                  // block size
  uint64_t p = 1;                  // parallelism
};

// Whether a file may ask for these parameters: n a power of two from 2^10 to 2^20, r at most
// 32, p at most 16, at most 1 GiB of memory (128 * r * n) and 8 times the default's work
// (n * r * p), so a hostile file cannot make a reader spend gigabytes or minutes.
bool AcceptableScryptParams(const ScryptParams& params);

// `length` bytes derived from `passphrase` and `salt` with scrypt. Throws std::runtime_error
// when the parameters are not acceptable or OpenSSL fails.
common::SecureString DeriveFromPassphrase(std::string_view passphrase, std::string_view salt,
                                          const ScryptParams& params, std::size_t length);

// HMAC-SHA-256 of `data` under `key`: 32 raw bytes.
std::string HmacSha256(std::string_view key, std::string_view data);

}  // namespace coffer::crypto
