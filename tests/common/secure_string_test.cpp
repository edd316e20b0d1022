#include "common/secure_string.hpp"

#include <gtest/gtest.h>

namespace coffer::common {
namespace {

TEST(SecureStringTest, HoldsBytesAndMovesWithoutCopies) {
  SecureString a("secret");
  EXPECT_EQ(a.view(), "secret");
  SecureString b = std::move(a);
  EXPECT_EQ(b.view(), "secret");
  EXPECT_TRUE(a.empty());  // NOLINT(bugprone-use-after-move): moved-from state is specified
  std::string source = "adopted";
  SecureString c = SecureString::Adopt(std::move(source));
  EXPECT_EQ(c.view(), "adopted");
}

TEST(SecureStringTest, ResizeDropsAndWipesTheTail) {
  SecureString s("abcdef");
  const char* data = s.data();
  s.resize(2);
  EXPECT_EQ(s.view(), "ab");
  EXPECT_EQ(data[3], '\0');  // same buffer, tail wiped
}

TEST(WipeBytesTest, Zeroes) {
  char buffer[] = "value";
  WipeBytes(buffer, 5);
  for (int i = 0; i < 5; ++i) EXPECT_EQ(buffer[i], '\0');
}

}  // namespace
}  // namespace coffer::common
