#include "crypto/self_signed.hpp"

#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include "crypto/openssl_handles.hpp"
#include "crypto/random.hpp"

namespace coffer::crypto {

using detail::BioPtr;
using detail::PkeyPtr;
using detail::X509Ptr;

namespace {

void AddExtension(X509* cert, int nid, const char* value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, cert, cert, nullptr, nullptr, 0);
  X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value);
  if (ext == nullptr) detail::ThrowOpenSslError("certificate extension");
  const int ok = X509_add_ext(cert, ext, -1);
  X509_EXTENSION_free(ext);
  if (ok != 1) detail::ThrowOpenSslError("certificate extension");
}

void SetSubject(X509* cert) {
  X509_NAME* name = X509_get_subject_name(cert);
  X509_NAME_add_entry_by_txt(name, "O", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>("Coffer"), -1, -1, 0);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>("localhost"), -1, -1, 0);
  X509_set_issuer_name(cert, name);
}

void SetRandomSerial(X509* cert) {
  std::string serial = RandomBytes(16);
  serial[0] = static_cast<char>(serial[0] & 0x7F);  // keep it positive
  BIGNUM* bn = BN_bin2bn(reinterpret_cast<const unsigned char*>(serial.data()),
                         static_cast<int>(serial.size()), nullptr);
  if (bn == nullptr || BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(cert)) == nullptr) {
    BN_free(bn);
    detail::ThrowOpenSslError("certificate serial");
  }
  BN_free(bn);
}

}  // namespace

CertificateAndKey GenerateSelfSignedCertificate(int valid_days) {
  PkeyPtr key(EVP_EC_gen("P-256"));
  if (!key) detail::ThrowOpenSslError("EC key generation");
  X509Ptr cert(X509_new());
  if (!cert) detail::ThrowOpenSslError("X509_new");
  X509_set_version(cert.get(), 2);
  SetRandomSerial(cert.get());
  X509_gmtime_adj(X509_getm_notBefore(cert.get()), -60);
  X509_gmtime_adj(X509_getm_notAfter(cert.get()), static_cast<long>(valid_days) * 86400);
  X509_set_pubkey(cert.get(), key.get());
  SetSubject(cert.get());
  AddExtension(cert.get(), NID_basic_constraints, "critical,CA:FALSE");
  AddExtension(cert.get(), NID_key_usage, "critical,digitalSignature");
  AddExtension(cert.get(), NID_ext_key_usage, "serverAuth");
  AddExtension(cert.get(), NID_subject_alt_name, "DNS:localhost,IP:127.0.0.1,IP:::1");
  if (X509_sign(cert.get(), key.get(), EVP_sha256()) == 0) detail::ThrowOpenSslError("X509_sign");

  BioPtr cert_bio(BIO_new(BIO_s_mem()));
  BioPtr key_bio(BIO_new(BIO_s_mem()));
  if (PEM_write_bio_X509(cert_bio.get(), cert.get()) != 1 ||
      PEM_write_bio_PrivateKey(key_bio.get(), key.get(), nullptr, nullptr, 0, nullptr, nullptr) !=
          1) {
    detail::ThrowOpenSslError("PEM write");
  }
  return CertificateAndKey{detail::BioToString(cert_bio.get()), detail::BioToString(key_bio.get())};
}

bool SelfSignedCertificateNeedsRenewal(const std::string& certificate_pem, int margin_days) {
  const BioPtr bio = detail::ReadBio(certificate_pem);
  const X509Ptr cert(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
  if (!cert) return true;
  // X509_check_ca: 0 only for a certificate that cannot sign others.
  if (X509_check_ca(cert.get()) != 0) return true;
  time_t renew_from = time(nullptr) + static_cast<time_t>(margin_days) * 86400;
  return X509_cmp_time(X509_get0_notAfter(cert.get()), &renew_from) <= 0;
}

}  // namespace coffer::crypto
