#include "auth/jwt.hpp"

#include <gtest/gtest.h>

#include <optional>
#include <string>

#include "common/api_error.hpp"
#include "crypto/base64url.hpp"
#include "support/tokens.hpp"

namespace coffer::auth {
namespace {

using common::ApiError;
using testing_support::UnsignedToken;

constexpr int kAuthFailed = 100;
constexpr int kBadFormat = 447;

const std::string kHeader = R"({"alg":"RS256","typ":"JWT","kid":"k1"})";
const std::string kClaims = R"({"iss":7,"iat":1700000000,"exp":1700000060})";

// The code ParseJwt throws for `token`, or 0 when it parses.
int CodeOf(std::string_view token) {
  try {
    ParseJwt(token);
    return 0;
  } catch (const ApiError& e) {
    return static_cast<int>(e.code());
  }
}

struct BearerCase {
  std::string header;
  std::optional<std::string> token;
};

class BearerTokenTest : public ::testing::TestWithParam<BearerCase> {};

TEST_P(BearerTokenTest, ExtractsTheToken) {
  const auto token = BearerToken(GetParam().header);
  EXPECT_EQ(token ? std::optional<std::string>(std::string(*token)) : std::nullopt,
            GetParam().token)
      << "header '" << GetParam().header << "'";
}

INSTANTIATE_TEST_SUITE_P(
    Table, BearerTokenTest,
    ::testing::Values(BearerCase{"Bearer abc.def.ghi", "abc.def.ghi"},
                      BearerCase{"bearer abc", "abc"}, BearerCase{"BEARER abc", "abc"},
                      BearerCase{"bEaReR x", "x"}, BearerCase{"Bearer  abc", std::nullopt},
                      BearerCase{"Bearer ", std::nullopt}, BearerCase{"Bearer", std::nullopt},
                      BearerCase{"", std::nullopt}, BearerCase{"Basic abc", std::nullopt},
                      BearerCase{"Bearerabc", std::nullopt},
                      BearerCase{"Bearer\tabc", std::nullopt},
                      BearerCase{" Bearer abc", std::nullopt},
                      BearerCase{"Token abc", std::nullopt}));

// A well-formed token of exactly `size` bytes, padded by a claim and its signature's length.
std::string TokenOfSize(std::size_t size, std::string_view header = kHeader) {
  for (std::size_t pad = 0; pad < size; ++pad) {
    const std::string claims =
        R"({"iss":7,"iat":1700000000,"exp":1700000060,"pad":")" + std::string(pad, 'p') + "\"}";
    for (std::size_t sig = 1; sig <= 3; ++sig) {
      std::string token = UnsignedToken(header, claims, std::string(sig, 's'));
      if (token.size() == size) return token;
    }
  }
  ADD_FAILURE() << "no token of " << size << " bytes";
  return {};
}

TEST(ParseJwtTest, TokensOverTheSizeLimitAre447WhateverTheyHold) {
  EXPECT_EQ(CodeOf(TokenOfSize(kMaxJwtBytes)), 0);
  EXPECT_EQ(CodeOf(TokenOfSize(kMaxJwtBytes + 1)), kBadFormat);
  // Over the limit, even what would be a 100 (alg none) is a 447: size is checked first.
  const std::string none = R"({"alg":"none","kid":"k1"})";
  EXPECT_EQ(CodeOf(TokenOfSize(kMaxJwtBytes, none)), kAuthFailed);
  EXPECT_EQ(CodeOf(TokenOfSize(kMaxJwtBytes + 1, none)), kBadFormat);
}

TEST(ParseJwtTest, ParsesAWellFormedToken) {
  const std::string token = UnsignedToken(kHeader, kClaims, "signature-bytes");
  const JwtToken jwt = ParseJwt(token);
  EXPECT_EQ(jwt.key_id, "k1");
  EXPECT_EQ(jwt.issuer, 7);
  EXPECT_EQ(jwt.issued_at, 1700000000);
  EXPECT_EQ(jwt.expires_at, 1700000060);
  EXPECT_EQ(jwt.not_before, std::nullopt);
  EXPECT_EQ(jwt.signing_input, token.substr(0, token.rfind('.')));
  EXPECT_EQ(jwt.signature, "signature-bytes");
}

TEST(ParseJwtTest, StepTwoSegmentsAndEncoding) {
  const std::string h = crypto::Base64UrlEncode(kHeader);
  const std::string p = crypto::Base64UrlEncode(kClaims);
  const std::string s = crypto::Base64UrlEncode("sig");
  EXPECT_EQ(CodeOf(h + "." + p + "." + s), 0);
  EXPECT_EQ(CodeOf(""), kBadFormat);
  EXPECT_EQ(CodeOf(h), kBadFormat);
  EXPECT_EQ(CodeOf(h + "." + p), kBadFormat);                      // two segments
  EXPECT_EQ(CodeOf(h + "." + p + "." + s + "." + s), kBadFormat);  // four segments
  EXPECT_EQ(CodeOf(h + "." + p + "." + s + "."), kBadFormat);
  EXPECT_EQ(CodeOf(".."), kBadFormat);
  EXPECT_EQ(CodeOf(h + "=." + p + "." + s), kBadFormat);       // padding in the header
  EXPECT_EQ(CodeOf(h + "." + p + "." + s + "="), kBadFormat);  // padding in the signature
  EXPECT_EQ(CodeOf(h + "." + p + "+." + s), kBadFormat);       // non-url alphabet
  EXPECT_EQ(CodeOf(h + "." + p + "." + "a/b"), kBadFormat);
  EXPECT_EQ(CodeOf(h + "." + p + " ." + s), kBadFormat);
}

TEST(ParseJwtTest, StepTwoHeaderAndPayloadMustBeJsonObjects) {
  for (const std::string bad : {"[1,2]", "\"RS256\"", "null", "42", "{", "not json", ""}) {
    EXPECT_EQ(CodeOf(UnsignedToken(bad, kClaims)), kBadFormat) << "header " << bad;
    EXPECT_EQ(CodeOf(UnsignedToken(kHeader, bad)), kBadFormat) << "payload " << bad;
  }
}

TEST(ParseJwtTest, StepThreeAlgMustBeRs256) {
  for (const std::string header : {R"({"alg":"none","kid":"k1"})", R"({"alg":"HS256","kid":"k1"})",
                                   R"({"alg":"rs256","kid":"k1"})", R"({"alg":"RS512","kid":"k1"})",
                                   R"({"alg":"RS256 ","kid":"k1"})", R"({"alg":null,"kid":"k1"})",
                                   R"({"alg":256,"kid":"k1"})", R"({"kid":"k1"})"}) {
    EXPECT_EQ(CodeOf(UnsignedToken(header, kClaims)), kAuthFailed) << header;
  }
}

TEST(ParseJwtTest, StepThreeCritHeaderIsRefused) {
  // No JWS extension is implemented, so any `crit` (even an empty list, which RFC 7515 forbids)
  // makes the token unverifiable.
  for (const std::string header :
       {R"({"alg":"RS256","kid":"k1","crit":["exp"]})",
        R"({"alg":"RS256","kid":"k1","crit":["b64"],"b64":false})",
        R"({"alg":"RS256","kid":"k1","crit":[]})", R"({"alg":"RS256","kid":"k1","crit":null})"}) {
    EXPECT_EQ(CodeOf(UnsignedToken(header, kClaims)), kAuthFailed) << header;
  }
}

TEST(ParseJwtTest, StepOrderFormatBeforeAlgBeforeClaims) {
  // A broken payload is reported (447) even when alg is also wrong.
  EXPECT_EQ(CodeOf(UnsignedToken(R"({"alg":"none","kid":"k1"})", "[]")), kBadFormat);
  // A wrong alg is reported (100) before a missing kid or claims (447).
  EXPECT_EQ(CodeOf(UnsignedToken(R"({"alg":"HS256"})", "{}")), kAuthFailed);
}

TEST(ParseJwtTest, StepFourKidMustBeAString) {
  EXPECT_EQ(CodeOf(UnsignedToken(R"({"alg":"RS256"})", kClaims)), kBadFormat);
  EXPECT_EQ(CodeOf(UnsignedToken(R"({"alg":"RS256","kid":5})", kClaims)), kBadFormat);
  EXPECT_EQ(CodeOf(UnsignedToken(R"({"alg":"RS256","kid":null})", kClaims)), kBadFormat);
  EXPECT_EQ(CodeOf(UnsignedToken(R"({"alg":"RS256","kid":["k1"]})", kClaims)), kBadFormat);
}

TEST(ParseJwtTest, IssuerMayBeANumberOrANumericString) {
  EXPECT_EQ(ParseJwt(UnsignedToken(kHeader, R"({"iss":"1234567","iat":1,"exp":2})")).issuer,
            1234567);
  EXPECT_EQ(ParseJwt(UnsignedToken(kHeader, R"({"iss":1234567,"iat":1,"exp":2})")).issuer, 1234567);
  for (const std::string claims :
       {R"({"iss":"abc","iat":1,"exp":2})", R"({"iss":"","iat":1,"exp":2})",
        R"({"iss":" 7","iat":1,"exp":2})", R"({"iss":"7.0","iat":1,"exp":2})",
        R"({"iss":1.5,"iat":1,"exp":2})", R"({"iss":true,"iat":1,"exp":2})",
        R"({"iss":null,"iat":1,"exp":2})", R"({"iat":1,"exp":2})"}) {
    EXPECT_EQ(CodeOf(UnsignedToken(kHeader, claims)), kBadFormat) << claims;
  }
}

TEST(ParseJwtTest, TimesAreNumbersWithFractionsTruncated) {
  const JwtToken jwt =
      ParseJwt(UnsignedToken(kHeader, R"({"iss":7,"iat":1700000000.9,"exp":1700003600.99})"));
  EXPECT_EQ(jwt.issued_at, 1700000000);
  EXPECT_EQ(jwt.expires_at, 1700003600);
  for (const std::string claims :
       {R"({"iss":7,"exp":2})", R"({"iss":7,"iat":1})", R"({"iss":7,"iat":"1","exp":2})",
        R"({"iss":7,"iat":1,"exp":"2"})", R"({"iss":7,"iat":null,"exp":2})",
        R"({"iss":7,"iat":1,"exp":true})", R"({"iss":7,"iat":1,"exp":[2]})"}) {
    EXPECT_EQ(CodeOf(UnsignedToken(kHeader, claims)), kBadFormat) << claims;
  }
}

TEST(ParseJwtTest, TimesKeepTheirFullInt64Range) {
  const JwtToken jwt = ParseJwt(
      UnsignedToken(kHeader, R"({"iss":7,"iat":-9223372036854775808,"exp":9223372036854775807})"));
  EXPECT_EQ(jwt.issued_at, INT64_MIN);
  EXPECT_EQ(jwt.expires_at, INT64_MAX);
  EXPECT_EQ(CodeOf(UnsignedToken(kHeader, R"({"iss":7,"iat":1,"exp":9223372036854775808})")),
            kBadFormat);
  EXPECT_EQ(CodeOf(UnsignedToken(kHeader, R"({"iss":7,"iat":1,"exp":1e300})")), kBadFormat);
}

TEST(ParseJwtTest, NotBeforeIsOptionalButTyped) {
  const JwtToken jwt =
      ParseJwt(UnsignedToken(kHeader, R"({"iss":7,"iat":100,"nbf":100,"exp":3700})"));
  EXPECT_EQ(jwt.not_before, 100);
  EXPECT_EQ(CodeOf(UnsignedToken(kHeader, R"({"iss":7,"iat":1,"exp":2,"nbf":"1"})")), kBadFormat);
  EXPECT_EQ(CodeOf(UnsignedToken(kHeader, R"({"iss":7,"iat":1,"exp":2,"nbf":null})")), kBadFormat);
}

TEST(ParseJwtTest, ExtraMembersAreIgnored) {
  const JwtToken jwt = ParseJwt(UnsignedToken(
      R"({"alg":"RS256","kid":"k1","typ":"whatever","x5t":"abc"})",
      R"({"iss":7,"iat":1,"exp":2,"aud":"x","sub":"y","jti":"z","nested":{"a":[1]}})"));
  EXPECT_EQ(jwt.key_id, "k1");
}

}  // namespace
}  // namespace coffer::auth
