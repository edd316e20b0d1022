#pragma once

#include <cstddef>
#include <string>

namespace coffer::crypto {

// `count` bytes from the operating system's CSPRNG (through OpenSSL). Throws on failure.
std::string RandomBytes(std::size_t count);

// `count` random bytes rendered as 2*count lower-case hex digits.
std::string RandomHex(std::size_t count);

}  // namespace coffer::crypto
