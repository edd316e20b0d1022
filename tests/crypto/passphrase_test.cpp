// scrypt and HMAC-SHA-256 against their RFCs' test vectors, and the bounds a file's parameters
// must keep.

#include "crypto/passphrase.hpp"

#include <gtest/gtest.h>

#include "crypto/digest.hpp"

namespace coffer::crypto {
namespace {

TEST(PassphraseTest, ScryptMatchesRfc7914) {
  // RFC 7914 section 12, the second vector.
  const auto derived = DeriveFromPassphrase("password", "NaCl", {1024, 8, 16}, 64);
  EXPECT_EQ(ToHex(derived.view()),
            "fdbabe1c9d3472007856e7190d01e9fe7c6ad7cbc8237830e77376634b373162"
            "2eaf30d92e22a3886ff109279d9830dac727afb94a83ee6d8360cbdfa2cc0640");
}

TEST(PassphraseTest, HmacSha256MatchesRfc4231) {
  // RFC 4231 test case 2.
  EXPECT_EQ(ToHex(HmacSha256("Jefe", "what do ya want for nothing?")),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

TEST(PassphraseTest, OnlyBoundedParametersAreAccepted) {
  EXPECT_TRUE(AcceptableScryptParams({}));
  EXPECT_TRUE(AcceptableScryptParams({1 << 10, 1, 1}));
  EXPECT_TRUE(AcceptableScryptParams({1 << 20, 8, 1})) << "1 GiB";
  EXPECT_FALSE(AcceptableScryptParams({1 << 20, 8, 16})) << "16 passes over 1 GiB";
  EXPECT_FALSE(AcceptableScryptParams({1 << 20, 16, 1})) << "2 GiB";
  EXPECT_TRUE(AcceptableScryptParams({1 << 10, 32, 16}));
  EXPECT_FALSE(AcceptableScryptParams({1 << 21, 8, 1})) << "2 GiB of memory";
  EXPECT_FALSE(AcceptableScryptParams({1 << 9, 8, 1})) << "too weak";
  EXPECT_FALSE(AcceptableScryptParams({3000, 8, 1})) << "not a power of two";
  EXPECT_FALSE(AcceptableScryptParams({0, 8, 1}));
  EXPECT_FALSE(AcceptableScryptParams({1024, 0, 1}));
  EXPECT_FALSE(AcceptableScryptParams({1024, 33, 1}));
  EXPECT_FALSE(AcceptableScryptParams({1024, 8, 0}));
  EXPECT_FALSE(AcceptableScryptParams({1024, 8, 17}));
  EXPECT_THROW(DeriveFromPassphrase("p", "s", {1 << 21, 8, 1}, 32), std::runtime_error);
}

}  // namespace
}  // namespace coffer::crypto
