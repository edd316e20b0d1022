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

TEST(SelfSignedTest, IsALeafForServerAuthOnlyThatNamesIpv6Loopback) {
  const X509Ptr cert = ReadCertificate(GenerateSelfSignedCertificate().certificate_pem);
  ASSERT_TRUE(cert);
  EXPECT_EQ(X509_check_ca(cert.get()), 0) << "must not be able to sign other certificates";
  EXPECT_EQ(X509_check_purpose(cert.get(), X509_PURPOSE_SSL_SERVER, 0), 1);
  EXPECT_EQ(X509_check_purpose(cert.get(), X509_PURPOSE_SSL_CLIENT, 0), 0);
  EXPECT_EQ(X509_get_extended_key_usage(cert.get()), static_cast<uint32_t>(XKU_SSL_SERVER));
  EXPECT_EQ(X509_get_key_usage(cert.get()), static_cast<uint32_t>(KU_DIGITAL_SIGNATURE));
  EXPECT_EQ(X509_check_ip_asc(cert.get(), "::1", 0), 1);
}

// A certificate with the given basic constraints, valid for `days`, as earlier versions made.
std::string CertificatePem(const char* basic_constraints, long days) {
  PkeyPtr key(EVP_EC_gen("P-256"), &EVP_PKEY_free);
  X509Ptr cert(X509_new(), &X509_free);
  X509_set_version(cert.get(), 2);
  ASN1_INTEGER_set(X509_get_serialNumber(cert.get()), 1);
  X509_gmtime_adj(X509_getm_notBefore(cert.get()), -60);
  X509_gmtime_adj(X509_getm_notAfter(cert.get()), days * 86400);
  X509_set_pubkey(cert.get(), key.get());
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, cert.get(), cert.get(), nullptr, nullptr, 0);
  X509_EXTENSION* ext =
      X509V3_EXT_conf_nid(nullptr, &ctx, NID_basic_constraints, basic_constraints);
  X509_add_ext(cert.get(), ext, -1);
  X509_EXTENSION_free(ext);
  X509_sign(cert.get(), key.get(), EVP_sha256());
  BIO* bio = BIO_new(BIO_s_mem());
  PEM_write_bio_X509(bio, cert.get());
  char* data = nullptr;
  const long size = BIO_get_mem_data(bio, &data);
  std::string pem(data, static_cast<size_t>(size));
  BIO_free(bio);
  return pem;
}

TEST(SelfSignedTest, RenewalWantedForCaExpiringOrUnreadableCertificates) {
  EXPECT_FALSE(SelfSignedCertificateNeedsRenewal(GenerateSelfSignedCertificate().certificate_pem));
  EXPECT_FALSE(SelfSignedCertificateNeedsRenewal(CertificatePem("critical,CA:FALSE", 365)));
  EXPECT_TRUE(SelfSignedCertificateNeedsRenewal(CertificatePem("critical,CA:TRUE", 3650)));
  EXPECT_TRUE(SelfSignedCertificateNeedsRenewal(CertificatePem("critical,CA:FALSE", 10)));
  EXPECT_TRUE(SelfSignedCertificateNeedsRenewal(CertificatePem("critical,CA:FALSE", 10), 30));
  EXPECT_FALSE(SelfSignedCertificateNeedsRenewal(CertificatePem("critical,CA:FALSE", 10), 5));
  EXPECT_TRUE(SelfSignedCertificateNeedsRenewal(""));
  EXPECT_TRUE(SelfSignedCertificateNeedsRenewal("-----BEGIN CERTIFICATE-----\nAAAA\n"));
}

TEST(SelfSignedTest, EachCallMakesANewKeyAndSerial) {
  const auto a = GenerateSelfSignedCertificate(1);
  const auto b = GenerateSelfSignedCertificate(1);
  EXPECT_NE(a.private_key_pem, b.private_key_pem);
  EXPECT_NE(a.certificate_pem, b.certificate_pem);
}

}  // namespace
}  // namespace coffer::crypto
