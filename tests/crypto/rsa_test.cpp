#include "crypto/rsa.hpp"

#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include <memory>
#include <stdexcept>
#include <string>

#include "crypto/self_signed.hpp"

namespace coffer::crypto {
namespace {

class RsaTest : public ::testing::Test {
 protected:
  // Key generation is slow; two pairs serve the whole suite.
  static void SetUpTestSuite() {
    first_ = new RsaKeyPair(GenerateRsaKeyPair());
    second_ = new RsaKeyPair(GenerateRsaKeyPair());
  }
  static void TearDownTestSuite() {
    delete first_;
    delete second_;
  }
  static RsaKeyPair* first_;
  static RsaKeyPair* second_;
};

RsaKeyPair* RsaTest::first_ = nullptr;
RsaKeyPair* RsaTest::second_ = nullptr;

int PrivateKeyBits(const std::string& pem) {
  std::unique_ptr<BIO, decltype(&BIO_free)> bio(
      BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())), &BIO_free);
  std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> key(
      PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr), &EVP_PKEY_free);
  if (!key || EVP_PKEY_get_base_id(key.get()) != EVP_PKEY_RSA) return -1;
  return EVP_PKEY_get_bits(key.get());
}

TEST_F(RsaTest, PrivateKeyIsPkcs8Pem) {
  const std::string& pem = first_->private_pkcs8_pem;
  EXPECT_EQ(pem.rfind("-----BEGIN PRIVATE KEY-----\n", 0), 0u) << pem.substr(0, 40);
  EXPECT_NE(pem.find("-----END PRIVATE KEY-----"), std::string::npos);
  EXPECT_EQ(pem.find("RSA PRIVATE KEY"), std::string::npos);  // not PKCS#1
  EXPECT_EQ(PrivateKeyBits(pem), 2048);
}

TEST_F(RsaTest, PublicKeyIsSubjectPublicKeyInfoPem) {
  const std::string& pem = first_->public_pem;
  EXPECT_EQ(pem.rfind("-----BEGIN PUBLIC KEY-----\n", 0), 0u);
  EXPECT_NE(pem.find("-----END PUBLIC KEY-----"), std::string::npos);
  EXPECT_EQ(PublicPemFromPrivate(first_->private_pkcs8_pem), pem);
  EXPECT_NE(first_->public_pem, second_->public_pem);
}

TEST_F(RsaTest, SignAndVerifyRoundTrip) {
  const std::string message = "eyJhbGciOiJSUzI1NiJ9.eyJpc3MiOjF9";
  const std::string signature = SignRs256(first_->private_pkcs8_pem, message);
  EXPECT_EQ(signature.size(), 256u);  // 2048-bit modulus
  const auto key = RsaPublicKey::FromPem(first_->public_pem);
  EXPECT_TRUE(key->VerifyRs256(message, signature));
  EXPECT_TRUE(key->VerifyRs256(message, signature));  // reusable
}

TEST_F(RsaTest, RejectsAFlippedBitInTheMessage) {
  std::string message = "header.payload";
  const std::string signature = SignRs256(first_->private_pkcs8_pem, message);
  message[3] = static_cast<char>(message[3] ^ 0x01);
  EXPECT_FALSE(RsaPublicKey::FromPem(first_->public_pem)->VerifyRs256(message, signature));
}

TEST_F(RsaTest, RejectsAFlippedBitInTheSignature) {
  const std::string message = "header.payload";
  const auto key = RsaPublicKey::FromPem(first_->public_pem);
  const std::string signature = SignRs256(first_->private_pkcs8_pem, message);
  for (std::size_t at : {std::size_t{0}, signature.size() / 2, signature.size() - 1}) {
    std::string bad = signature;
    bad[at] = static_cast<char>(bad[at] ^ 0x80);
    EXPECT_FALSE(key->VerifyRs256(message, bad)) << "bit flipped at byte " << at;
  }
}

TEST_F(RsaTest, RejectsTruncatedEmptyAndExtendedSignatures) {
  const std::string message = "m";
  const auto key = RsaPublicKey::FromPem(first_->public_pem);
  const std::string signature = SignRs256(first_->private_pkcs8_pem, message);
  EXPECT_FALSE(key->VerifyRs256(message, ""));
  EXPECT_FALSE(key->VerifyRs256(message, signature.substr(0, signature.size() - 1)));
  EXPECT_FALSE(key->VerifyRs256(message, signature + "x"));
  EXPECT_FALSE(key->VerifyRs256(message, std::string(256, '\0')));
}

TEST_F(RsaTest, RejectsASignatureOfAnotherKey) {
  const std::string message = "header.payload";
  const std::string signature = SignRs256(second_->private_pkcs8_pem, message);
  EXPECT_FALSE(RsaPublicKey::FromPem(first_->public_pem)->VerifyRs256(message, signature));
  EXPECT_TRUE(RsaPublicKey::FromPem(second_->public_pem)->VerifyRs256(message, signature));
}

TEST(RsaPublicKeyTest, FromPemRejectsGarbage) {
  for (const char* text :
       {"", "garbage", "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n"}) {
    EXPECT_THROW(RsaPublicKey::FromPem(text), std::runtime_error) << "'" << text << "'";
  }
}

TEST_F(RsaTest, FromPemRejectsAPrivateKey) {
  EXPECT_THROW(RsaPublicKey::FromPem(first_->private_pkcs8_pem), std::runtime_error);
}

TEST(RsaPublicKeyTest, FromPemRejectsAnEcKey) {
  const auto ec = GenerateSelfSignedCertificate(1);  // its key is ECDSA P-256
  const std::string ec_public = PublicPemFromPrivate(ec.private_key_pem);
  ASSERT_EQ(ec_public.rfind("-----BEGIN PUBLIC KEY-----", 0), 0u);
  EXPECT_THROW(RsaPublicKey::FromPem(ec_public), std::runtime_error);
}

TEST(SignRs256Test, RejectsAnUnreadableKey) {
  EXPECT_THROW(SignRs256("not a key", "message"), std::runtime_error);
  EXPECT_THROW(PublicPemFromPrivate("not a key"), std::runtime_error);
}

}  // namespace
}  // namespace coffer::crypto
