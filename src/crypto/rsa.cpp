#include "crypto/rsa.hpp"

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>

#include "crypto/openssl_handles.hpp"

namespace coffer::crypto {

using detail::BioPtr;
using detail::MdCtxPtr;
using detail::PkeyPtr;

namespace {

std::string WritePem(EVP_PKEY* key, bool private_part) {
  BioPtr bio(BIO_new(BIO_s_mem()));
  const int ok =
      private_part ? PEM_write_bio_PrivateKey(bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr)
                   : PEM_write_bio_PUBKEY(bio.get(), key);
  if (ok != 1) detail::ThrowOpenSslError("PEM write");
  return detail::BioToString(bio.get());
}

PkeyPtr ReadPrivateKey(std::string_view pem) {
  BioPtr bio = detail::ReadBio(pem);
  PkeyPtr key(PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr));
  if (!key) detail::ThrowOpenSslError("reading the private key");
  return key;
}

}  // namespace

RsaKeyPair GenerateRsaKeyPair(int bits) {
  PkeyPtr key(EVP_RSA_gen(static_cast<unsigned int>(bits)));
  if (!key) detail::ThrowOpenSslError("RSA key generation");
  return RsaKeyPair{WritePem(key.get(), true), WritePem(key.get(), false)};
}

struct RsaPublicKey::Impl {
  PkeyPtr key;
};

RsaPublicKey::RsaPublicKey(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
RsaPublicKey::~RsaPublicKey() = default;

std::shared_ptr<const RsaPublicKey> RsaPublicKey::FromPem(std::string_view pem) {
  BioPtr bio = detail::ReadBio(pem);
  PkeyPtr key(PEM_read_bio_PUBKEY(bio.get(), nullptr, nullptr, nullptr));
  if (!key) detail::ThrowOpenSslError("reading the public key");
  if (EVP_PKEY_get_base_id(key.get()) != EVP_PKEY_RSA) {
    throw std::runtime_error("the public key is not an RSA key");
  }
  auto impl = std::make_unique<Impl>();
  impl->key = std::move(key);
  return std::shared_ptr<const RsaPublicKey>(new RsaPublicKey(std::move(impl)));
}

bool RsaPublicKey::VerifyRs256(std::string_view message, std::string_view signature) const {
  MdCtxPtr ctx(EVP_MD_CTX_new());
  if (!ctx) return false;
  EVP_PKEY_CTX* pctx = nullptr;
  if (EVP_DigestVerifyInit(ctx.get(), &pctx, EVP_sha256(), nullptr, impl_->key.get()) != 1 ||
      EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PADDING) != 1) {
    ERR_clear_error();
    return false;
  }
  const int ok = EVP_DigestVerify(
      ctx.get(), reinterpret_cast<const unsigned char*>(signature.data()), signature.size(),
      reinterpret_cast<const unsigned char*>(message.data()), message.size());
  if (ok != 1) ERR_clear_error();
  return ok == 1;
}

std::string SignRs256(std::string_view private_key_pem, std::string_view message) {
  PkeyPtr key = ReadPrivateKey(private_key_pem);
  MdCtxPtr ctx(EVP_MD_CTX_new());
  std::size_t size = 0;
  if (!ctx || EVP_DigestSignInit(ctx.get(), nullptr, EVP_sha256(), nullptr, key.get()) != 1 ||
      EVP_DigestSign(ctx.get(), nullptr, &size,
                     reinterpret_cast<const unsigned char*>(message.data()), message.size()) != 1) {
    detail::ThrowOpenSslError("RS256 signing");
  }
  std::string signature(size, '\0');
  if (EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(signature.data()), &size,
                     reinterpret_cast<const unsigned char*>(message.data()), message.size()) != 1) {
    detail::ThrowOpenSslError("RS256 signing");
  }
  signature.resize(size);
  return signature;
}

std::string PublicPemFromPrivate(std::string_view private_key_pem) {
  PkeyPtr key = ReadPrivateKey(private_key_pem);
  return WritePem(key.get(), false);
}

}  // namespace coffer::crypto
