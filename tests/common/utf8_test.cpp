#include "common/utf8.hpp"

#include <gtest/gtest.h>

#include <string>

namespace coffer::common {
namespace {

struct Utf8Case {
  const char* label;
  std::string bytes;
  bool valid;
};

class IsValidUtf8Test : public ::testing::TestWithParam<Utf8Case> {};

TEST_P(IsValidUtf8Test, Classifies) {
  EXPECT_EQ(IsValidUtf8(GetParam().bytes), GetParam().valid) << GetParam().label;
}

INSTANTIATE_TEST_SUITE_P(
    Table, IsValidUtf8Test,
    ::testing::Values(Utf8Case{"empty", "", true}, Utf8Case{"ascii", "hello, world 123", true},
                      Utf8Case{"nul byte is ascii", std::string("a\0b", 3), true},
                      Utf8Case{"two-byte e acute", "\xC3\xA9", true},
                      Utf8Case{"two-byte lowest U+0080", "\xC2\x80", true},
                      Utf8Case{"three-byte euro sign", "\xE2\x82\xAC", true},
                      Utf8Case{"three-byte cyrillic word", "\xD0\xBF\xD1\x80\xD0\xB8", true},
                      Utf8Case{"three-byte U+E000 after surrogates", "\xEE\x80\x80", true},
                      Utf8Case{"three-byte U+FFFF", "\xEF\xBF\xBF", true},
                      Utf8Case{"four-byte emoji", "\xF0\x9F\x98\x80", true},
                      Utf8Case{"four-byte U+10FFFF", "\xF4\x8F\xBF\xBF", true},
                      Utf8Case{"overlong 2-byte C0 80", "\xC0\x80", false},
                      Utf8Case{"overlong 2-byte C1 BF", "\xC1\xBF", false},
                      Utf8Case{"overlong 3-byte E0 80 80", "\xE0\x80\x80", false},
                      Utf8Case{"overlong 3-byte E0 9F BF", "\xE0\x9F\xBF", false},
                      Utf8Case{"overlong 4-byte F0 80 80 80", "\xF0\x80\x80\x80", false},
                      Utf8Case{"overlong 4-byte F0 8F BF BF", "\xF0\x8F\xBF\xBF", false},
                      Utf8Case{"high surrogate ED A0 80", "\xED\xA0\x80", false},
                      Utf8Case{"low surrogate ED BF BF", "\xED\xBF\xBF", false},
                      Utf8Case{"above U+10FFFF F4 90 80 80", "\xF4\x90\x80\x80", false},
                      Utf8Case{"F5 lead byte", "\xF5\x80\x80\x80", false},
                      Utf8Case{"FF byte", "\xFF", false},
                      Utf8Case{"truncated 2-byte", "\xC3", false},
                      Utf8Case{"truncated 3-byte", "\xE2\x82", false},
                      Utf8Case{"truncated 4-byte", "\xF0\x9F\x98", false},
                      Utf8Case{"truncated before ascii",
                               "\xE2\x82"
                               "a",
                               false},
                      Utf8Case{"lone continuation", "\x80", false},
                      Utf8Case{"continuation after ascii", "a\xBF", false},
                      Utf8Case{"extra continuation", "\xC3\xA9\xA9", false},
                      Utf8Case{"latin1 e acute", "caf\xE9", false}));

TEST(CountCodePointsTest, CountsCharactersNotBytes) {
  EXPECT_EQ(CountCodePoints(""), 0u);
  EXPECT_EQ(CountCodePoints("abc"), 3u);
  EXPECT_EQ(CountCodePoints("\xC3\xA9"), 1u);
  EXPECT_EQ(CountCodePoints("\xE2\x82\xAC"), 1u);
  EXPECT_EQ(CountCodePoints("\xF0\x9F\x98\x80"), 1u);
  EXPECT_EQ(CountCodePoints("a\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80z"), 5u);
}

TEST(PrefixBytesTest, StopsAtCodePointBoundaries) {
  const std::string text = "a\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80";  // a, e-acute, euro, emoji
  EXPECT_EQ(PrefixBytes(text, 0), 0u);
  EXPECT_EQ(PrefixBytes(text, 1), 1u);
  EXPECT_EQ(PrefixBytes(text, 2), 3u);
  EXPECT_EQ(PrefixBytes(text, 3), 6u);
  EXPECT_EQ(PrefixBytes(text, 4), 10u);
  EXPECT_EQ(PrefixBytes(text, 5), 10u);
  EXPECT_EQ(PrefixBytes(text, 1000), 10u);
  EXPECT_EQ(PrefixBytes("", 3), 0u);
}

TEST(Latin1ToUtf8Test, ConvertsEveryByte) {
  EXPECT_EQ(Latin1ToUtf8(""), "");
  EXPECT_EQ(Latin1ToUtf8("plain ascii"), "plain ascii");
  EXPECT_EQ(Latin1ToUtf8("caf\xE9"), "caf\xC3\xA9");
  EXPECT_EQ(Latin1ToUtf8("\x80"), "\xC2\x80");
  EXPECT_EQ(Latin1ToUtf8("\xA0\xFF"), "\xC2\xA0\xC3\xBF");
  EXPECT_EQ(Latin1ToUtf8("\xC3\xA9"), "\xC3\x83\xC2\xA9");  // bytes, not already-UTF-8 text
}

TEST(Latin1ToUtf8Test, OutputIsAlwaysValidUtf8) {
  std::string all;
  for (int c = 1; c < 256; ++c) all.push_back(static_cast<char>(c));
  const std::string converted = Latin1ToUtf8(all);
  EXPECT_TRUE(IsValidUtf8(converted));
  EXPECT_EQ(CountCodePoints(converted), 255u);
}

}  // namespace
}  // namespace coffer::common
