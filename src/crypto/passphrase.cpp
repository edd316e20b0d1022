#include "crypto/passphrase.hpp"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <stdexcept>

namespace coffer::crypto {

namespace {

constexpr uint64_t kMinScryptN = uint64_t{1} << 10;
constexpr uint64_t kMaxScryptN = uint64_t{1} << 20;
constexpr uint64_t kMaxScryptMemory = uint64_t{1} << 30;
// n * r * p, which the time scrypt takes follows: 8 times the default's (a few seconds).
constexpr uint64_t kMaxScryptWork = uint64_t{1} << 23;

}  // namespace

bool AcceptableScryptParams(const ScryptParams& params) {
  const bool power_of_two = params.n != 0 && (params.n & (params.n - 1)) == 0;
  return power_of_two && params.n >= kMinScryptN && params.n <= kMaxScryptN && params.r >= 1 &&
         params.r <= 32 && params.p >= 1 && params.p <= 16 &&
         128 * params.r * params.n <= kMaxScryptMemory &&
         params.n * params.r * params.p <= kMaxScryptWork;
}

common::SecureString DeriveFromPassphrase(std::string_view passphrase, std::string_view salt,
                                          const ScryptParams& params, std::size_t length) {
  if (!AcceptableScryptParams(params)) throw std::runtime_error("unacceptable scrypt parameters");
  // scrypt needs 128 * r * (n + p + 2) bytes; OpenSSL refuses more than `maxmem`.
  const uint64_t needed = 128 * params.r * (params.n + params.p + 2);
  auto derived = common::SecureString::Adopt(std::string(length, '\0'));
  if (EVP_PBE_scrypt(passphrase.data(), passphrase.size(),
                     reinterpret_cast<const unsigned char*>(salt.data()), salt.size(), params.n,
                     params.r, params.p, needed + (uint64_t{1} << 20),
                     reinterpret_cast<unsigned char*>(derived.mutable_data()), length) != 1) {
    throw std::runtime_error("scrypt failed");
  }
  return derived;
}

std::string HmacSha256(std::string_view key, std::string_view data) {
  std::string mac(32, '\0');
  unsigned int length = 0;
  if (HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
           reinterpret_cast<const unsigned char*>(data.data()), data.size(),
           reinterpret_cast<unsigned char*>(mac.data()), &length) == nullptr ||
      length != mac.size()) {
    throw std::runtime_error("HMAC-SHA-256 failed");
  }
  return mac;
}

}  // namespace coffer::crypto
