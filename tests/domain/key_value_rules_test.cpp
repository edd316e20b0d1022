#include "domain/key_value_rules.hpp"

#include <gtest/gtest.h>

#include <optional>
#include <string>

namespace coffer::domain {
namespace {

struct KeyCase {
  std::string key;
  bool valid;
};

class KvKeyAlphabetTest : public ::testing::TestWithParam<KeyCase> {};

TEST_P(KvKeyAlphabetTest, MatchesTheDocumentedPattern) {
  EXPECT_EQ(IsKvKeyAlphabet(GetParam().key), GetParam().valid) << "'" << GetParam().key << "'";
}

INSTANTIATE_TEST_SUITE_P(
    Table, KvKeyAlphabetTest,
    ::testing::Values(KeyCase{"order:1234", true}, KeyCase{"aZ09_-:;.#+", true}, KeyCase{"", true},
                      KeyCase{"\xD0\x90\xD0\xAF", true},                      // А Я
                      KeyCase{"\xD0\xB0\xD0\xBF\xD1\x80\xD1\x8F", true},      // а п р я
                      KeyCase{"\xD0\x81\xD1\x91", true},                      // Ё ё
                      KeyCase{"key:\xD0\xBA\xD0\xBB\xD1\x8E\xD1\x87", true},  // key:ключ
                      KeyCase{"a b", false}, KeyCase{"a/b", false}, KeyCase{"a*", false},
                      KeyCase{"a?", false}, KeyCase{"a%", false}, KeyCase{"a@b", false},
                      KeyCase{"a,b", false}, KeyCase{"a=b", false},
                      KeyCase{"\xC3\xA9", false},          // é
                      KeyCase{"\xD0\x80", false},          // Ѐ U+0400
                      KeyCase{"\xD0\x82", false},          // Ђ U+0402
                      KeyCase{"\xD1\x90", false},          // ѐ U+0450
                      KeyCase{"\xD1\x92", false},          // ђ U+0452
                      KeyCase{"\xD2\x90", false},          // Ґ U+0490
                      KeyCase{"\xD0", false},              // truncated
                      KeyCase{"\xF0\x9F\x98\x80", false},  // emoji
                      KeyCase{std::string("a\0b", 3), false}, KeyCase{"a\tb", false}));

struct ExpiryCase {
  std::optional<int64_t> ttl;
  std::optional<int64_t> expires_at;
  int64_t expected;
};

class KvExpiresAtTest : public ::testing::TestWithParam<ExpiryCase> {};

constexpr int64_t kNow = 1'700'000'000;

TEST_P(KvExpiresAtTest, AppliesDefaultAndCap) {
  EXPECT_EQ(KvExpiresAt(kNow, GetParam().ttl, GetParam().expires_at), GetParam().expected);
}

INSTANTIATE_TEST_SUITE_P(
    Table, KvExpiresAtTest,
    ::testing::Values(ExpiryCase{std::nullopt, std::nullopt, kNow + 2'592'000},
                      ExpiryCase{0, std::nullopt, kNow},
                      ExpiryCase{864000, std::nullopt, kNow + 864000},
                      ExpiryCase{7'776'000, std::nullopt, kNow + 7'776'000},
                      ExpiryCase{7'776'001, std::nullopt, kNow + 7'776'000},
                      ExpiryCase{INT64_MAX, std::nullopt, kNow + 7'776'000},
                      ExpiryCase{std::nullopt, kNow, kNow},
                      ExpiryCase{std::nullopt, kNow + 60, kNow + 60},
                      ExpiryCase{std::nullopt, kNow + 7'776'000, kNow + 7'776'000},
                      ExpiryCase{std::nullopt, kNow + 7'776'001, kNow + 7'776'000},
                      ExpiryCase{std::nullopt, INT64_MAX, kNow + 7'776'000}));

TEST(KvLimitsTest, MatchTheSpec) {
  EXPECT_EQ(kMaxKvKeyLength, 200u);
  EXPECT_EQ(kMaxKvValueLength, 2000u);
  EXPECT_EQ(kDefaultKvTtl, 30 * 86400);
  EXPECT_EQ(kMaxKvTtl, 90 * 86400);
  EXPECT_EQ(kDefaultKvPageSize, 10);
  EXPECT_EQ(kMaxKvPageSize, 50);
}

}  // namespace
}  // namespace coffer::domain
