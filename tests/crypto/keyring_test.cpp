#include "crypto/keyring.hpp"

#include <gtest/gtest.h>

#include "crypto/aead.hpp"

namespace coffer::crypto {
namespace {

using common::SecureString;

constexpr std::string_view kKeyText =
    "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff\n";

TEST(AeadTest, RoundTripAndFreshNonces) {
  const std::string key(kAeadKeyBytes, 'k');
  const std::string a = AeadSeal(key, "hello", "aad");
  const std::string b = AeadSeal(key, "hello", "aad");
  EXPECT_NE(a, b);  // random nonce per seal
  EXPECT_EQ(a.size(), kAeadNonceBytes + 5 + kAeadTagBytes);
  const auto opened = AeadOpen(key, a, "aad");
  ASSERT_TRUE(opened);
  EXPECT_EQ(opened->view(), "hello");
}

TEST(AeadTest, EveryTamperFails) {
  const std::string key(kAeadKeyBytes, 'k');
  const std::string sealed = AeadSeal(key, "secret value", "row-1");
  for (std::size_t i = 0; i < sealed.size(); ++i) {
    std::string flipped = sealed;
    flipped[i] = static_cast<char>(flipped[i] ^ 0x01);
    EXPECT_FALSE(AeadOpen(key, flipped, "row-1")) << "bit flipped in byte " << i;
  }
  EXPECT_FALSE(AeadOpen(key, sealed.substr(0, sealed.size() - 1), "row-1"));  // truncated
  EXPECT_FALSE(AeadOpen(key, sealed.substr(0, 10), "row-1"));                  // too short
  EXPECT_FALSE(AeadOpen(key, sealed, "row-2"));                                 // moved row
  EXPECT_FALSE(AeadOpen(std::string(kAeadKeyBytes, 'x'), sealed, "row-1"));    // other key
}

TEST(AeadTest, RejectsWrongKeySize) {
  EXPECT_THROW(AeadSeal("short", "x", ""), std::invalid_argument);
}

TEST(MasterKeyTest, TextRoundTripAndStableId) {
  const MasterKey key = MasterKey::FromText(kKeyText);
  EXPECT_EQ(key.ToText(), kKeyText);
  EXPECT_EQ(key.id().size(), 16u);
  EXPECT_EQ(MasterKey::FromText(std::string("  ") + std::string(kKeyText)).id(), key.id());
  EXPECT_NE(MasterKey::Generate().id(), key.id());
}

TEST(MasterKeyTest, RejectsMalformedText) {
  for (const std::string& bad :
       {std::string(""), std::string(63, 'a'), std::string(65, 'a'), std::string(64, 'g'),
        std::string("00112233445566778899aabbccddeeff00112233445566778899aabbccddeefz")}) {
    EXPECT_THROW(MasterKey::FromText(bad), KeyringError) << bad;
  }
}

TEST(KeyringTest, WrapUnwrapBoundToApplicationAndMasterKey) {
  const Keyring keyring(MasterKey::FromText(kKeyText));
  const SecureString data_key = Keyring::NewDataKey();
  const std::string wrapped = keyring.WrapDataKey(data_key, 7);
  EXPECT_EQ(Keyring::WrappingKeyId(wrapped), keyring.master_key_id());
  EXPECT_EQ(keyring.UnwrapDataKey(wrapped, 7).view(), data_key.view());
  EXPECT_THROW(keyring.UnwrapDataKey(wrapped, 8), KeyringError);  // another application's row
  const Keyring other(MasterKey::Generate());
  EXPECT_THROW(other.UnwrapDataKey(wrapped, 7), KeyringError);  // wrong master key
  std::string tampered = wrapped;
  tampered.back() = static_cast<char>(tampered.back() ^ 0x80);
  EXPECT_THROW(keyring.UnwrapDataKey(tampered, 7), KeyringError);
  EXPECT_THROW(keyring.UnwrapDataKey("", 7), KeyringError);
}

TEST(KeyringTest, SealOpenAndTamperCases) {
  const SecureString data_key = Keyring::NewDataKey();
  const std::string sealed = Keyring::Seal(data_key, "v4lue", "coffer:secret:v1:1:2:3:value");
  EXPECT_EQ(sealed.front(), 1);  // format version
  EXPECT_EQ(Keyring::Open(data_key, sealed, "coffer:secret:v1:1:2:3:value").view(), "v4lue");
  // A flipped bit, a truncated ciphertext, another row, another field, another application's
  // data key, an unknown format version.
  std::string flipped = sealed;
  flipped[5] = static_cast<char>(flipped[5] ^ 0x04);
  EXPECT_THROW(Keyring::Open(data_key, flipped, "coffer:secret:v1:1:2:3:value"), KeyringError);
  EXPECT_THROW(Keyring::Open(data_key, sealed.substr(0, sealed.size() - 3),
                             "coffer:secret:v1:1:2:3:value"),
               KeyringError);
  EXPECT_THROW(Keyring::Open(data_key, sealed, "coffer:secret:v1:1:2:4:value"), KeyringError);
  EXPECT_THROW(Keyring::Open(data_key, sealed, "coffer:secret:v1:1:2:3:description"),
               KeyringError);
  EXPECT_THROW(Keyring::Open(Keyring::NewDataKey(), sealed, "coffer:secret:v1:1:2:3:value"),
               KeyringError);
  std::string version = sealed;
  version[0] = 2;
  EXPECT_THROW(Keyring::Open(data_key, version, "coffer:secret:v1:1:2:3:value"), KeyringError);
}

TEST(KeyringTest, CheckOpensOnlyWithItsMasterKey) {
  const Keyring keyring(MasterKey::FromText(kKeyText));
  const std::string check = keyring.MakeCheck();
  EXPECT_TRUE(keyring.VerifyCheck(check));
  EXPECT_FALSE(Keyring(MasterKey::Generate()).VerifyCheck(check));
  EXPECT_FALSE(keyring.VerifyCheck(check.substr(0, check.size() - 1)));
  EXPECT_FALSE(keyring.VerifyCheck(""));
}

}  // namespace
}  // namespace coffer::crypto
