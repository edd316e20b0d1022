#include "auth/authenticator.hpp"

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "common/api_error.hpp"
#include "crypto/base64url.hpp"
#include "crypto/digest.hpp"
#include "crypto/rsa.hpp"
#include "store/open.hpp"
#include "support/fake_clock.hpp"
#include "support/temp_dir.hpp"
#include "support/tokens.hpp"

namespace coffer::auth {
namespace {

using common::ApiError;
using testing_support::Claims;
using testing_support::FakeClock;
using testing_support::Rs256Header;
using testing_support::SignedToken;

class AuthenticatorTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dev_keys_ = new crypto::RsaKeyPair(crypto::GenerateRsaKeyPair());
    other_keys_ = new crypto::RsaKeyPair(crypto::GenerateRsaKeyPair());
  }
  static void TearDownTestSuite() {
    delete dev_keys_;
    delete other_keys_;
  }

  AuthenticatorTest()
      : store_(store::Open({.sqlite_path = dir_.File("coffer.db")})),
        authenticator_(store_->accounts(), clock_, AuthenticatorOptions{}) {
    dev_ = store_->accounts()
               .Create("dev", "dev@localhost", 1,
                       Key("dev-key", *dev_keys_, {"Owner", "CallList Manager"}))
               .value();
    other_ =
        store_->accounts()
            .Create("other", "other@localhost", 1, Key("other-key", *other_keys_, {"Developer"}))
            .value();
    EXPECT_EQ(store_->accounts().SetApiKeyHash(dev_.id, crypto::Sha256Hex("legacy-secret")),
              store::Outcome::kOk);
  }

  static store::ServiceKey Key(std::string id, const crypto::RsaKeyPair& pair,
                               std::vector<std::string> roles) {
    store::ServiceKey key;
    key.key_id = std::move(id);
    key.public_key_pem = pair.public_pem;
    key.roles = std::move(roles);
    key.created = 1;
    return key;
  }

  int64_t now() const { return clock_.NowSeconds(); }

  // A dev-key token issued now, valid for `lifetime` seconds.
  std::string DevToken(int64_t lifetime = 64) const {
    return SignedToken(dev_keys_->private_pkcs8_pem, Rs256Header("dev-key"),
                       Claims(dev_.id, now(), now() + lifetime));
  }

  Principal Bearer(const std::string& token) {
    return authenticator_.Authenticate("Bearer " + token, LegacyCredentials{});
  }

  // The code Authenticate throws, or 0 on success.
  int CodeOf(const std::optional<std::string>& header, const LegacyCredentials& legacy = {}) {
    try {
      authenticator_.Authenticate(header, legacy);
      return 0;
    } catch (const ApiError& e) {
      return static_cast<int>(e.code());
    }
  }
  int BearerCode(const std::string& token) { return CodeOf("Bearer " + token); }
  int DevCode(int64_t iat, int64_t exp, const std::string& extra = "") {
    std::string claims = Claims(dev_.id, iat, exp);
    if (!extra.empty()) claims.insert(claims.size() - 1, "," + extra);
    return BearerCode(SignedToken(dev_keys_->private_pkcs8_pem, Rs256Header("dev-key"), claims));
  }

  static crypto::RsaKeyPair* dev_keys_;
  static crypto::RsaKeyPair* other_keys_;
  testing_support::TempDir dir_;
  FakeClock clock_;
  std::unique_ptr<store::Store> store_;
  Authenticator authenticator_;
  store::Account dev_;
  store::Account other_;
};

crypto::RsaKeyPair* AuthenticatorTest::dev_keys_ = nullptr;
crypto::RsaKeyPair* AuthenticatorTest::other_keys_ = nullptr;

TEST_F(AuthenticatorTest, ValidTokenGivesThePrincipalWithRoles) {
  const Principal principal = Bearer(DevToken());
  EXPECT_EQ(principal.account_id, dev_.id);
  EXPECT_EQ(principal.account_name, "dev");
  EXPECT_EQ(principal.key_id, "dev-key");
  EXPECT_EQ(principal.roles, (std::vector<std::string>{"Owner", "CallList Manager"}));
  EXPECT_FALSE(principal.legacy);
}

TEST_F(AuthenticatorTest, SchemeIsCaseInsensitiveAndIssMayBeAString) {
  const std::string claims = R"({"iss":")" + std::to_string(dev_.id) + R"(","iat":)" +
                             std::to_string(now()) + R"(,"exp":)" + std::to_string(now() + 60) +
                             "}";
  const std::string token =
      SignedToken(dev_keys_->private_pkcs8_pem, Rs256Header("dev-key"), claims);
  EXPECT_EQ(authenticator_.Authenticate("bearer " + token, {}).account_id, dev_.id);
}

TEST_F(AuthenticatorTest, StepOneHeaderShape) {
  const std::string token = DevToken();
  EXPECT_EQ(CodeOf("Basic " + token), 100);
  EXPECT_EQ(CodeOf("Bearer  " + token), 100);
  EXPECT_EQ(CodeOf("Bearer "), 100);
  EXPECT_EQ(CodeOf(""), 100);
  EXPECT_EQ(CodeOf(token), 100);
}

TEST_F(AuthenticatorTest, StepsTwoToFourComeFromTheParser) {
  EXPECT_EQ(BearerCode("not-a-jwt"), 447);
  EXPECT_EQ(BearerCode(testing_support::UnsignedToken(R"({"alg":"none","kid":"dev-key"})",
                                                      Claims(dev_.id, now(), now() + 60))),
            100);
  EXPECT_EQ(BearerCode(SignedToken(dev_keys_->private_pkcs8_pem, R"({"alg":"RS256"})",
                                   Claims(dev_.id, now(), now() + 60))),
            447);
}

TEST_F(AuthenticatorTest, StepFiveUnknownKid) {
  EXPECT_EQ(BearerCode(SignedToken(dev_keys_->private_pkcs8_pem, Rs256Header("nope"),
                                   Claims(dev_.id, now(), now() + 60))),
            100);
}

TEST_F(AuthenticatorTest, StepFiveDisabledKey) {
  store::ServiceKey disabled = Key("disabled-key", *dev_keys_, {"Owner"});
  disabled.account_id = dev_.id;
  disabled.enabled = false;
  ASSERT_EQ(store_->accounts().AddKey(disabled), store::Outcome::kOk);
  EXPECT_EQ(BearerCode(SignedToken(dev_keys_->private_pkcs8_pem, Rs256Header("disabled-key"),
                                   Claims(dev_.id, now(), now() + 60))),
            100);
}

TEST_F(AuthenticatorTest, StepSixTamperedSignatureOrPayload) {
  const std::string token = DevToken();
  const auto last_dot = token.rfind('.');
  std::string signature = *crypto::Base64UrlDecode(token.substr(last_dot + 1));
  signature[10] = static_cast<char>(signature[10] ^ 0x01);
  EXPECT_EQ(BearerCode(token.substr(0, last_dot + 1) + crypto::Base64UrlEncode(signature)), 100);

  // A payload with a longer lifetime, carrying the original signature.
  const std::string forged_payload = crypto::Base64UrlEncode(Claims(dev_.id, now(), now() + 3000));
  const auto first_dot = token.find('.');
  EXPECT_EQ(BearerCode(token.substr(0, first_dot + 1) + forged_payload + token.substr(last_dot)),
            100);
}

TEST_F(AuthenticatorTest, StepSixSignedByAnotherKey) {
  EXPECT_EQ(BearerCode(SignedToken(other_keys_->private_pkcs8_pem, Rs256Header("dev-key"),
                                   Claims(dev_.id, now(), now() + 60))),
            100);
}

TEST_F(AuthenticatorTest, StepSixStoredKeyThatDoesNotParse) {
  store::ServiceKey broken = Key("broken-key", *dev_keys_, {"Owner"});
  broken.account_id = dev_.id;
  broken.public_key_pem = "garbage";
  ASSERT_EQ(store_->accounts().AddKey(broken), store::Outcome::kOk);
  EXPECT_EQ(BearerCode(SignedToken(dev_keys_->private_pkcs8_pem, Rs256Header("broken-key"),
                                   Claims(dev_.id, now(), now() + 60))),
            100);
}

TEST_F(AuthenticatorTest, StepSevenIssOfAnotherAccount) {
  EXPECT_EQ(BearerCode(SignedToken(dev_keys_->private_pkcs8_pem, Rs256Header("dev-key"),
                                   Claims(other_.id, now(), now() + 60))),
            100);
  EXPECT_EQ(BearerCode(SignedToken(dev_keys_->private_pkcs8_pem, Rs256Header("dev-key"),
                                   Claims(987654, now(), now() + 60))),
            100);
}

TEST_F(AuthenticatorTest, StepEightLifetime) {
  EXPECT_EQ(DevCode(now(), now() + 3601), 454);
  EXPECT_EQ(DevCode(now(), now() + 3600), 0);
  EXPECT_EQ(DevCode(now() - 5, now() + 24), 0);  // the Python client's shape
}

TEST_F(AuthenticatorTest, StepEightLifetimeWithExtremeTimes) {
  // exp - iat is far above 3600; computing it in int64 must not wrap around.
  EXPECT_EQ(DevCode(INT64_MIN, INT64_MAX), 454);
  EXPECT_EQ(DevCode(INT64_MIN, now() + 60), 454);
  EXPECT_EQ(DevCode(-1, INT64_MAX), 454);
}

TEST_F(AuthenticatorTest, StepNineIssuedInTheFuture) {
  EXPECT_EQ(DevCode(now() + 31, now() + 91), 455);
  EXPECT_EQ(DevCode(now() + 30, now() + 90), 0);
  EXPECT_EQ(DevCode(now(), now() + 3600, "\"nbf\":" + std::to_string(now() + 60)), 455);
  EXPECT_EQ(DevCode(now(), now() + 3600, "\"nbf\":" + std::to_string(now() + 31)), 455);
  EXPECT_EQ(DevCode(now(), now() + 3600, "\"nbf\":" + std::to_string(now() + 30)), 0);
  EXPECT_EQ(DevCode(now(), now() + 3600, "\"nbf\":" + std::to_string(now())), 0);  // .NET
}

TEST_F(AuthenticatorTest, StepTenExpired) {
  EXPECT_EQ(DevCode(now() - 60, now()), 456);
  EXPECT_EQ(DevCode(now() - 60, now() - 1), 456);
  EXPECT_EQ(DevCode(now() - 60, now() + 1), 0);
}

TEST_F(AuthenticatorTest, ChecksRunInSpecOrder) {
  // Lifetime (8) before expiry (10).
  EXPECT_EQ(DevCode(now() - 7200, now() - 1), 454);
  // Future (9) before expiry (10) is moot; lifetime (8) before future (9).
  EXPECT_EQ(DevCode(now() + 100, now() + 3800), 454);
  // Signature (6) before any time check.
  EXPECT_EQ(BearerCode(SignedToken(other_keys_->private_pkcs8_pem, Rs256Header("dev-key"),
                                   Claims(dev_.id, now() - 7200, now() - 1))),
            100);
  // Issuer (7) before lifetime (8).
  EXPECT_EQ(BearerCode(SignedToken(dev_keys_->private_pkcs8_pem, Rs256Header("dev-key"),
                                   Claims(other_.id, now(), now() + 7200))),
            100);
}

TEST_F(AuthenticatorTest, ReplayedTokenKeepsWorkingUntilTheKeyIsDeleted) {
  const std::string token = DevToken(600);
  EXPECT_EQ(Bearer(token).key_id, "dev-key");
  clock_.Advance(10);
  EXPECT_EQ(Bearer(token).key_id, "dev-key");
  EXPECT_EQ(Bearer(token).roles, (std::vector<std::string>{"Owner", "CallList Manager"}));
  ASSERT_EQ(store_->accounts().DeleteKey("dev-key"), store::Outcome::kOk);
  EXPECT_EQ(BearerCode(token), 100);
}

TEST_F(AuthenticatorTest, KeyDeletedByAnotherStoreStopsACachedToken) {
  const std::string token = DevToken(600);
  EXPECT_EQ(BearerCode(token), 0);
  {
    const auto operator_store = store::Open({.sqlite_path = dir_.File("coffer.db")});
    ASSERT_EQ(operator_store->accounts().DeleteKey("dev-key"), store::Outcome::kOk);
  }
  EXPECT_EQ(BearerCode(token), 100);
}

TEST_F(AuthenticatorTest, CachedTokenExpiresAtExp) {
  const std::string token = DevToken(60);
  EXPECT_EQ(BearerCode(token), 0);
  clock_.Advance(59);
  EXPECT_EQ(BearerCode(token), 0);
  clock_.Advance(1);
  EXPECT_EQ(BearerCode(token), 456);
  EXPECT_EQ(BearerCode(token), 456);
}

TEST_F(AuthenticatorTest, KeyAddedLaterAuthenticatesAtOnce) {
  const std::string token = SignedToken(other_keys_->private_pkcs8_pem, Rs256Header("late-key"),
                                        Claims(dev_.id, now(), now() + 60));
  EXPECT_EQ(BearerCode(token), 100);
  store::ServiceKey late = Key("late-key", *other_keys_, {});
  late.account_id = dev_.id;
  ASSERT_EQ(store_->accounts().AddKey(late), store::Outcome::kOk);
  const Principal principal = Bearer(token);
  EXPECT_EQ(principal.account_id, dev_.id);
  EXPECT_TRUE(principal.roles.empty());
}

TEST_F(AuthenticatorTest, LegacyApiKeyByIdNameOrEmail) {
  const std::string id = std::to_string(dev_.id);
  for (const LegacyCredentials& legacy :
       {LegacyCredentials{id, {}, {}, "legacy-secret"},
        LegacyCredentials{{}, "dev", {}, "legacy-secret"},
        LegacyCredentials{{}, {}, "dev@localhost", "legacy-secret"}}) {
    const Principal principal = authenticator_.Authenticate(std::nullopt, legacy);
    EXPECT_EQ(principal.account_id, dev_.id);
    EXPECT_EQ(principal.account_name, "dev");
    EXPECT_TRUE(principal.legacy);
    EXPECT_EQ(principal.key_id, "");
  }
}

TEST_F(AuthenticatorTest, LegacyFailuresAreAllAuthorizationFailed) {
  const std::string id = std::to_string(dev_.id);
  const LegacyCredentials cases[] = {
      {id, {}, {}, "wrong-secret"},
      {id, {}, {}, "Legacy-secret"},
      {id, {}, {}, ""},
      {id, {}, {}, std::nullopt},        // missing api_key
      {{}, {}, {}, "legacy-secret"},     // no account named
      {"abc", {}, {}, "legacy-secret"},  // malformed account_id
      {" " + id, {}, {}, "legacy-secret"},
      {"987654", {}, {}, "legacy-secret"},  // unknown account
      {{}, "nobody", {}, "legacy-secret"},
      {{}, {}, "nobody@localhost", "legacy-secret"},
      {std::to_string(other_.id), {}, {}, "legacy-secret"},  // other has no api_key
      {std::to_string(other_.id), {}, {}, ""},
  };
  for (const auto& legacy : cases) {
    EXPECT_EQ(CodeOf(std::nullopt, legacy), 100)
        << legacy.account_id.value_or("-") << " / " << legacy.account_name.value_or("-") << " / "
        << legacy.api_key.value_or("-");
  }
}

TEST_F(AuthenticatorTest, AuthorizationHeaderMakesLegacyParametersIgnored) {
  const LegacyCredentials good{std::to_string(dev_.id), {}, {}, "legacy-secret"};
  EXPECT_EQ(CodeOf("Basic abc", good), 100);
  EXPECT_EQ(CodeOf("", good), 100);
  EXPECT_EQ(CodeOf("Bearer x.y.z", good), 447);
  const LegacyCredentials wrong{std::to_string(other_.id), {}, {}, "wrong"};
  const Principal principal = authenticator_.Authenticate("Bearer " + DevToken(), wrong);
  EXPECT_EQ(principal.account_id, dev_.id);
  EXPECT_FALSE(principal.legacy);
}

TEST_F(AuthenticatorTest, ApiKeyReplacedByAnotherStoreAppliesAtOnce) {
  const LegacyCredentials old_key{std::to_string(dev_.id), {}, {}, "legacy-secret"};
  EXPECT_EQ(CodeOf(std::nullopt, old_key), 0);
  const auto operator_store = store::Open({.sqlite_path = dir_.File("coffer.db")});
  ASSERT_EQ(operator_store->accounts().SetApiKeyHash(dev_.id, crypto::Sha256Hex("rotated")),
            store::Outcome::kOk);
  EXPECT_EQ(CodeOf(std::nullopt, old_key), 100);
  EXPECT_EQ(CodeOf(std::nullopt, {std::to_string(dev_.id), {}, {}, "rotated"}), 0);
}

}  // namespace
}  // namespace coffer::auth
