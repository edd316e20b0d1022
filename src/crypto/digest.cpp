#include "crypto/digest.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include <stdexcept>

namespace coffer::crypto {

namespace {

// Fetched once: OpenSSL 3 would otherwise look the algorithm up in its provider tables, under a
// lock, on every call.
const EVP_MD* FetchedSha256() {
  static EVP_MD* const md = EVP_MD_fetch(nullptr, "SHA256", nullptr);
  if (md == nullptr) throw std::runtime_error("SHA-256 is not available");
  return md;
}

}  // namespace

Sha256Digest Sha256(std::string_view data) {
  // One context per thread, reused: EVP_Digest would allocate and free one per call, and every
  // request's token is hashed (the verified-token cache's key).
  struct Context {
    EVP_MD_CTX* ctx = EVP_MD_CTX_new();
    ~Context() { EVP_MD_CTX_free(ctx); }
  };
  thread_local const Context context;
  if (context.ctx == nullptr) throw std::runtime_error("SHA-256 failed: out of memory");
  Sha256Digest digest;
  unsigned int len = 0;
  if (EVP_DigestInit_ex2(context.ctx, FetchedSha256(), nullptr) != 1 ||
      EVP_DigestUpdate(context.ctx, data.data(), data.size()) != 1 ||
      EVP_DigestFinal_ex(context.ctx, digest.data(), &len) != 1 || len != digest.size()) {
    throw std::runtime_error("SHA-256 failed");
  }
  return digest;
}

std::string Sha256Hex(std::string_view data) {
  const Sha256Digest digest = Sha256(data);
  return ToHex(std::string_view(reinterpret_cast<const char*>(digest.data()), digest.size()));
}

std::string ToHex(std::string_view bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string hex(bytes.size() * 2, '\0');
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    const auto c = static_cast<unsigned char>(bytes[i]);
    hex[2 * i] = kDigits[c >> 4];
    hex[2 * i + 1] = kDigits[c & 0xF];
  }
  return hex;
}

bool ConstantTimeEquals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  return CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace coffer::crypto
