#include "crypto/base64url.hpp"

#include <gtest/gtest.h>

#include <optional>
#include <string>

namespace coffer::crypto {
namespace {

struct VectorCase {
  std::string bytes;
  std::string encoded;
};

class Base64UrlVectorTest : public ::testing::TestWithParam<VectorCase> {};

TEST_P(Base64UrlVectorTest, EncodesUnpadded) {
  EXPECT_EQ(Base64UrlEncode(GetParam().bytes), GetParam().encoded);
}

TEST_P(Base64UrlVectorTest, DecodesBack) {
  EXPECT_EQ(Base64UrlDecode(GetParam().encoded), GetParam().bytes);
}

// RFC 4648 section 10 vectors without padding, plus the two URL-safe characters.
INSTANTIATE_TEST_SUITE_P(
    Rfc4648, Base64UrlVectorTest,
    ::testing::Values(VectorCase{"", ""}, VectorCase{"f", "Zg"}, VectorCase{"fo", "Zm8"},
                      VectorCase{"foo", "Zm9v"}, VectorCase{"foob", "Zm9vYg"},
                      VectorCase{"fooba", "Zm9vYmE"}, VectorCase{"foobar", "Zm9vYmFy"},
                      VectorCase{"\xFB\xFF", "-_8"}, VectorCase{"\xFF\xFF\xFF", "____"},
                      VectorCase{std::string("\0\0\0", 3), "AAAA"},
                      VectorCase{R"({"alg":"RS256"})", "eyJhbGciOiJSUzI1NiJ9"}));

TEST(Base64UrlTest, RoundTripsEveryByteValueAndLength) {
  std::string bytes;
  for (int i = 0; i < 256; ++i) {
    bytes.push_back(static_cast<char>(i));
    const std::string encoded = Base64UrlEncode(bytes);
    EXPECT_EQ(encoded.find_first_of("+/="), std::string::npos);
    EXPECT_EQ(Base64UrlDecode(encoded), bytes) << "length " << bytes.size();
  }
}

class Base64UrlRejectTest : public ::testing::TestWithParam<std::string> {};

TEST_P(Base64UrlRejectTest, RejectsNonCanonicalInput) {
  EXPECT_EQ(Base64UrlDecode(GetParam()), std::nullopt) << "input '" << GetParam() << "'";
}

INSTANTIATE_TEST_SUITE_P(Strict, Base64UrlRejectTest,
                         ::testing::Values("Zg==",      // padding
                                           "Zm8=",      // padding
                                           "Zm9v====",  // padding after a full quantum
                                           "+_8",       // standard-alphabet plus
                                           "-/8",       // standard-alphabet slash
                                           "Zm9v Yg",   // space
                                           "Zm9v\nYg",  // newline
                                           " Zm9v",     // leading space
                                           "Zm9vY",     // length % 4 == 1
                                           "Z",         // length % 4 == 1
                                           "Zh",        // non-zero trailing bits (canonical: Zg)
                                           "Zm9",       // non-zero trailing bits (canonical: Zm8)
                                           "-_9",       // non-zero trailing bits (canonical: -_8)
                                           "Zm9v.",     // a JWS separator
                                           std::string("Zm\0v", 4), "\xC3\xA9\xC3\xA9"));

}  // namespace
}  // namespace coffer::crypto
