#include "crypto/random.hpp"

#include <gtest/gtest.h>

#include <set>
#include <string>

namespace coffer::crypto {
namespace {

TEST(RandomBytesTest, ReturnsTheRequestedCount) {
  EXPECT_EQ(RandomBytes(0).size(), 0u);
  EXPECT_EQ(RandomBytes(1).size(), 1u);
  EXPECT_EQ(RandomBytes(32).size(), 32u);
  EXPECT_NE(RandomBytes(32), RandomBytes(32));
}

TEST(RandomHexTest, LengthAndCharset) {
  for (std::size_t count : {0u, 1u, 16u, 32u}) {
    const std::string hex = RandomHex(count);
    EXPECT_EQ(hex.size(), 2 * count);
    EXPECT_EQ(hex.find_first_not_of("0123456789abcdef"), std::string::npos) << hex;
  }
}

TEST(RandomHexTest, ValuesDiffer) {
  std::set<std::string> seen;
  for (int i = 0; i < 100; ++i) seen.insert(RandomHex(16));
  EXPECT_EQ(seen.size(), 100u);
}

}  // namespace
}  // namespace coffer::crypto
