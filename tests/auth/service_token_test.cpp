// The client side of SPEC 2: a credentials file read strictly, and tokens that the server's own
// parser and RS256 check accept, with the claims the client asked for.

#include "auth/service_token.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "auth/jwt.hpp"
#include "crypto/rsa.hpp"

namespace coffer::auth {
namespace {

const crypto::RsaKeyPair& Pair() {
  static const crypto::RsaKeyPair pair = crypto::GenerateRsaKeyPair();
  return pair;
}

std::string CredentialsText(const boost::json::value& account_id) {
  return boost::json::serialize(boost::json::object{{"account_email", "dev@example.com"},
                                                    {"account_id", account_id},
                                                    {"key_id", "abc123"},
                                                    {"private_key", Pair().private_pkcs8_pem}});
}

TEST(ServiceTokenTest, TheServersParserAcceptsWhatTheClientSigns) {
  const ServiceCredentials credentials = ParseCredentials(CredentialsText(42));
  EXPECT_EQ(credentials.account_id, 42);
  EXPECT_EQ(credentials.key_id, "abc123");
  const std::string token = SignServiceToken(credentials, 1'800'000'000, 300);
  const JwtToken parsed = ParseJwt(token);
  EXPECT_EQ(parsed.key_id, "abc123");
  EXPECT_EQ(parsed.issuer, 42);
  EXPECT_EQ(parsed.issued_at, 1'800'000'000);
  EXPECT_EQ(parsed.expires_at, 1'800'000'300);
  EXPECT_FALSE(parsed.not_before);
  const auto key = crypto::RsaPublicKey::FromPem(Pair().public_pem);
  EXPECT_TRUE(key->VerifyRs256(parsed.signing_input, parsed.signature));
  const auto other = crypto::RsaPublicKey::FromPem(crypto::GenerateRsaKeyPair().public_pem);
  EXPECT_FALSE(other->VerifyRs256(parsed.signing_input, parsed.signature));
}

TEST(ServiceTokenTest, LifetimesOutsideTheProtocolsRangeAreRefused) {
  const ServiceCredentials credentials = ParseCredentials(CredentialsText(42));
  EXPECT_THROW(SignServiceToken(credentials, 1, 0), std::invalid_argument);
  EXPECT_THROW(SignServiceToken(credentials, 1, 3601), std::invalid_argument);
  EXPECT_NO_THROW(SignServiceToken(credentials, 1, 3600));
}

TEST(ServiceTokenTest, AKeyThatDoesNotSignThrows) {
  ServiceCredentials credentials = ParseCredentials(CredentialsText(42));
  credentials.private_key_pem = common::SecureString("-----BEGIN PRIVATE KEY-----\nAAAA\n");
  EXPECT_THROW(SignServiceToken(credentials, 1, 60), std::runtime_error);
}

std::string ErrorOf(std::string_view text) {
  try {
    ParseCredentials(text);
  } catch (const CredentialsError& e) {
    return e.what();
  }
  return "";
}

TEST(ServiceTokenTest, ACredentialsFileIsReadStrictly) {
  EXPECT_EQ(ErrorOf("not json"), "not a JSON object");
  EXPECT_EQ(ErrorOf("[1]"), "not a JSON object");
  EXPECT_EQ(ErrorOf(CredentialsText("42")), "\"account_id\" is missing or not a positive number");
  EXPECT_EQ(ErrorOf(CredentialsText(0)), "\"account_id\" is missing or not a positive number");
  EXPECT_EQ(ErrorOf(R"({"account_id":1,"private_key":"x"})"),
            "\"key_id\" is missing or not a string");
  EXPECT_EQ(ErrorOf(R"({"account_id":1,"key_id":"","private_key":"x"})"),
            "\"key_id\" is missing or not a string");
  EXPECT_EQ(ErrorOf(R"({"account_id":1,"key_id":"k"})"),
            "\"private_key\" is missing or not a string");
  const std::string message = ErrorOf(R"({"account_id":1,"key_id":"k","private_key":7})");
  EXPECT_EQ(message, "\"private_key\" is missing or not a string");
}

}  // namespace
}  // namespace coffer::auth
