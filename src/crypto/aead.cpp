#include "crypto/aead.hpp"

#include <openssl/err.h>
#include <openssl/evp.h>

#include <memory>
#include <stdexcept>

#include "crypto/openssl_handles.hpp"
#include "crypto/random.hpp"

namespace coffer::crypto {

namespace {

struct CipherCtxFree {
  void operator()(EVP_CIPHER_CTX* p) const { EVP_CIPHER_CTX_free(p); }
};
using CipherCtxPtr = std::unique_ptr<EVP_CIPHER_CTX, CipherCtxFree>;

const unsigned char* Bytes(std::string_view s) {
  return reinterpret_cast<const unsigned char*>(s.data());
}

// Fetched once: EVP_aes_256_gcm() makes every Init look the cipher up in the provider again,
// which cost more than decrypting a typical secret.
// Should the fetch fail, the implicit one is tried on every call and fails where it did before.
const EVP_CIPHER* Aes256Gcm() {
  static EVP_CIPHER* const cipher = EVP_CIPHER_fetch(nullptr, "AES-256-GCM", nullptr);
  return cipher != nullptr ? cipher : EVP_aes_256_gcm();
}

void CheckKey(std::string_view key) {
  if (key.size() != kAeadKeyBytes) throw std::invalid_argument("AES-256-GCM needs a 32-byte key");
}

}  // namespace

std::string AeadSeal(std::string_view key, std::string_view plaintext, std::string_view aad) {
  CheckKey(key);
  std::string out = RandomBytes(kAeadNonceBytes);
  out.resize(kAeadNonceBytes + plaintext.size() + kAeadTagBytes);
  auto* cipher_text = reinterpret_cast<unsigned char*>(out.data()) + kAeadNonceBytes;
  CipherCtxPtr ctx(EVP_CIPHER_CTX_new());
  int len = 0;
  if (!ctx || EVP_EncryptInit_ex(ctx.get(), Aes256Gcm(), nullptr, Bytes(key), Bytes(out)) != 1 ||
      EVP_EncryptUpdate(ctx.get(), nullptr, &len, Bytes(aad), static_cast<int>(aad.size())) != 1 ||
      EVP_EncryptUpdate(ctx.get(), cipher_text, &len, Bytes(plaintext),
                        static_cast<int>(plaintext.size())) != 1 ||
      EVP_EncryptFinal_ex(ctx.get(), cipher_text + len, &len) != 1 ||
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, static_cast<int>(kAeadTagBytes),
                          cipher_text + plaintext.size()) != 1) {
    detail::ThrowOpenSslError("AES-256-GCM seal");
  }
  return out;
}

std::optional<common::SecureString> AeadOpen(std::string_view key, std::string_view sealed,
                                             std::string_view aad) {
  CheckKey(key);
  if (sealed.size() < kAeadNonceBytes + kAeadTagBytes) return std::nullopt;
  const std::string_view nonce = sealed.substr(0, kAeadNonceBytes);
  const std::string_view cipher_text =
      sealed.substr(kAeadNonceBytes, sealed.size() - kAeadNonceBytes - kAeadTagBytes);
  std::string tag(sealed.substr(sealed.size() - kAeadTagBytes));
  common::SecureString plain(std::string(cipher_text.size(), '\0'));
  auto* out = reinterpret_cast<unsigned char*>(plain.mutable_data());
  CipherCtxPtr ctx(EVP_CIPHER_CTX_new());
  int len = 0;
  if (!ctx || EVP_DecryptInit_ex(ctx.get(), Aes256Gcm(), nullptr, Bytes(key), Bytes(nonce)) != 1 ||
      EVP_DecryptUpdate(ctx.get(), nullptr, &len, Bytes(aad), static_cast<int>(aad.size())) != 1 ||
      EVP_DecryptUpdate(ctx.get(), out, &len, Bytes(cipher_text),
                        static_cast<int>(cipher_text.size())) != 1 ||
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG, static_cast<int>(kAeadTagBytes),
                          tag.data()) != 1 ||
      EVP_DecryptFinal_ex(ctx.get(), out + len, &len) != 1) {
    ERR_clear_error();
    return std::nullopt;
  }
  return plain;
}

}  // namespace coffer::crypto
