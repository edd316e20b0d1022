#include "domain/secret_rules.hpp"

#include <gtest/gtest.h>

#include <string>

namespace coffer::domain {
namespace {

TEST(SecretRulesTest, NameFormat) {
  EXPECT_TRUE(IsValidSecretName("a"));
  EXPECT_TRUE(IsValidSecretName("apiKeyProd"));
  EXPECT_TRUE(IsValidSecretName("DB_password_2"));
  EXPECT_TRUE(IsValidSecretName("a" + std::string(63, 'b')));
  EXPECT_FALSE(IsValidSecretName("a" + std::string(64, 'b')));
  EXPECT_FALSE(IsValidSecretName(""));
  EXPECT_FALSE(IsValidSecretName("1bad"));
  EXPECT_FALSE(IsValidSecretName("_x"));
  EXPECT_FALSE(IsValidSecretName("with-dash"));
  EXPECT_FALSE(IsValidSecretName("with space"));
  EXPECT_FALSE(IsValidSecretName("ключ"));
}

}  // namespace
}  // namespace coffer::domain
