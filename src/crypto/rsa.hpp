#pragma once

#include <memory>
#include <string>
#include <string_view>

namespace coffer::crypto {

// A new RSA key pair: the private key as PKCS#8 PEM (`BEGIN PRIVATE KEY`, the format of the
// official credentials file) and the public key as SubjectPublicKeyInfo PEM.
struct RsaKeyPair {
  std::string private_pkcs8_pem;
  std::string public_pem;
};

// Generates a key pair. Throws std::runtime_error on failure.
RsaKeyPair GenerateRsaKeyPair(int bits = 2048);

// An RSA public key that verifies RS256 (RSASSA-PKCS1-v1_5 with SHA-256) signatures.
// Immutable and safe to share between threads.
class RsaPublicKey {
 public:
  // Parses a SubjectPublicKeyInfo PEM; throws std::runtime_error if it is not an RSA key.
  static std::shared_ptr<const RsaPublicKey> FromPem(std::string_view pem);

  ~RsaPublicKey();
  RsaPublicKey(const RsaPublicKey&) = delete;
  RsaPublicKey& operator=(const RsaPublicKey&) = delete;

  // True only when `signature` is a valid RS256 signature of `message` under this key.
  bool VerifyRs256(std::string_view message, std::string_view signature) const;

 private:
  struct Impl;
  explicit RsaPublicKey(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// RS256 signature of `message` with a PEM private key (PKCS#8 or PKCS#1). For tools and tests
// that mint tokens; the server never holds private keys. Throws std::runtime_error.
std::string SignRs256(std::string_view private_key_pem, std::string_view message);

// The SubjectPublicKeyInfo PEM of a PEM private key. Throws std::runtime_error.
std::string PublicPemFromPrivate(std::string_view private_key_pem);

}  // namespace coffer::crypto
