#include "crypto/self_signed.hpp"

#include <gtest/gtest.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <memory>
#include <string>

namespace coffer::crypto {
namespace {

using X509Ptr = std::unique_ptr<X509, decltype(&X509_free)>;
using PkeyPtr = std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)>;

X509Ptr ReadCertificate(const std::string& pem) {
  BIO* bio = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
  X509Ptr cert(PEM_read_bio_X509(bio, nullptr, nullptr, nullptr), &X509_free);
  BIO_free(bio);
  return cert;
}

PkeyPtr ReadPrivateKey(const std::string& pem) {
  BIO* bio = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
  PkeyPtr key(PEM_read_bio_PrivateKey(bio, nullptr, nullptr, nullptr), &EVP_PKEY_free);
  BIO_free(bio);
  return key;
}

TEST(SelfSignedTest, ProducesPemCertificateAndKey) {
  const CertificateAndKey generated = GenerateSelfSignedCertificate();
  EXPECT_EQ(generated.certificate_pem.rfind("-----BEGIN CERTIFICATE-----", 0), 0u);
  EXPECT_NE(generated.certificate_pem.find("-----END CERTIFICATE-----"), std::string::npos);
  EXPECT_EQ(generated.private_key_pem.rfind("-----BEGIN PRIVATE KEY-----", 0), 0u);
}

TEST(SelfSignedTest, KeyMatchesCertificateAndNamesLocalhost) {
  const CertificateAndKey generated = GenerateSelfSignedCertificate(30);
  const X509Ptr cert = ReadCertificate(generated.certificate_pem);
  const PkeyPtr key = ReadPrivateKey(generated.private_key_pem);
  ASSERT_TRUE(cert);
  ASSERT_TRUE(key);
  EXPECT_EQ(X509_check_private_key(cert.get(), key.get()), 1);
  EXPECT_EQ(X509_check_host(cert.get(), "localhost", 0, 0, nullptr), 1);
  EXPECT_EQ(X509_check_ip_asc(cert.get(), "127.0.0.1", 0), 1);
  EXPECT_EQ(X509_check_host(cert.get(), "example.com", 0, 0, nullptr), 0);
  // Valid now, and no longer than asked.
  EXPECT_LT(X509_cmp_current_time(X509_get0_notBefore(cert.get())), 0);
  EXPECT_GT(X509_cmp_current_time(X509_get0_notAfter(cert.get())), 0);
  time_t in_31_days = time(nullptr) + 31 * 86400;
  EXPECT_LT(X509_cmp_time(X509_get0_notAfter(cert.get()), &in_31_days), 0);
}

TEST(SelfSignedTest, EachCallMakesANewKeyAndSerial) {
  const auto a = GenerateSelfSignedCertificate(1);
  const auto b = GenerateSelfSignedCertificate(1);
  EXPECT_NE(a.private_key_pem, b.private_key_pem);
  EXPECT_NE(a.certificate_pem, b.certificate_pem);
}

}  // namespace
}  // namespace coffer::crypto
