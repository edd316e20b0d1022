#include "service/secrets.hpp"

#include <gtest/gtest.h>

#include "common/api_error.hpp"
#include "store/sqlite/sqlite_store.hpp"
#include "support/fake_clock.hpp"
#include "support/temp_dir.hpp"

namespace coffer::service {
namespace {

using common::ApiError;
using common::ErrorCode;
using common::SecureString;

class SecretsTest : public ::testing::Test {
 protected:
  SecretsTest()
      : store_(store::sqlite::SqliteOptions{.path = dir_.File("coffer.db")}),
        keyring_(crypto::MasterKey::Generate()),
        secrets_(store_, keyring_, clock_) {
    store::ServiceKey key;
    key.key_id = "k";
    key.public_key_pem = "unused";
    account_ = store_.CreateAccount("dev", "dev@localhost", 1, key).id;
    app_ = store_.CreateApplication(account_, "app", false, clock_.NowSeconds(), 0).id;
    other_app_ = store_.CreateApplication(account_, "other", false, clock_.NowSeconds(), 0).id;
  }

  int64_t Add(const std::string& name, const std::string& value,
              std::optional<std::string> description = std::nullopt, int64_t app = 0) {
    return secrets_.Add(account_, app ? app : app_, name, SecureString(value), description);
  }

  std::string Value(int64_t id) const {
    return std::string(secrets_.Reveal(account_, app_, SecretRef{id, std::nullopt}).second.view());
  }

  static void ExpectCode(ErrorCode code, const std::string& param, const auto& call) {
    try {
      call();
      FAIL() << "expected error " << static_cast<int>(code);
    } catch (const ApiError& e) {
      EXPECT_EQ(e.code(), code);
      EXPECT_EQ(e.param(), param);
    }
  }

  testing_support::TempDir dir_;
  testing_support::FakeClock clock_;
  store::sqlite::SqliteStore store_;
  crypto::Keyring keyring_;
  Secrets secrets_;
  int64_t account_ = 0, app_ = 0, other_app_ = 0;
};

TEST_F(SecretsTest, AddRevealAndListWithoutValues) {
  const int64_t id = Add("apiKey", "v1", "the key");
  EXPECT_EQ(Value(id), "v1");
  const auto by_name = secrets_.Reveal(account_, app_, SecretRef{std::nullopt, "apiKey"});
  EXPECT_EQ(by_name.first.id, id);
  EXPECT_EQ(by_name.first.description, "the key");
  const auto page = secrets_.List(account_, app_, "", 0, 20);
  ASSERT_EQ(page.items.size(), 1u);
  EXPECT_EQ(page.total_count, 1);
  EXPECT_EQ(page.items[0].name, "apiKey");
}

TEST_F(SecretsTest, NamesAreUniquePerApplicationAndCaseSensitive) {
  Add("key", "a");
  Add("Key", "b");
  Add("key", "c", std::nullopt, other_app_);
  ExpectCode(ErrorCode::kNotUnique, "secret_name", [&] { Add("key", "d"); });
}

TEST_F(SecretsTest, UnknownSecretsNameTheParameter) {
  ExpectCode(ErrorCode::kInvalidParameter, "secret_id",
             [&] { secrets_.Locate(app_, SecretRef{99, std::nullopt}); });
  ExpectCode(ErrorCode::kInvalidParameter, "secret_name",
             [&] { secrets_.Locate(app_, SecretRef{std::nullopt, "nope"}); });
  const int64_t elsewhere = Add("x", "y", std::nullopt, other_app_);
  ExpectCode(ErrorCode::kInvalidParameter, "secret_id",
             [&] { secrets_.Locate(app_, SecretRef{elsewhere, std::nullopt}); });
}

TEST_F(SecretsTest, ValueMovedToAnotherRowDoesNotOpen) {
  const int64_t a = Add("a", "alpha");
  const int64_t b = Add("b", "beta");
  const auto row_a = *store_.FindSecretById(app_, a);
  store_.ReviseSecret(app_, {b, ""}, [&](store::SecretRecord row_b) {
    row_b.sealed_value = row_a.sealed_value;
    return std::optional(row_b);
  });
  EXPECT_EQ(Value(a), "alpha");
  EXPECT_THROW(Value(b), crypto::KeyringError);
}

TEST_F(SecretsTest, AnotherApplicationsDataKeyDoesNotOpen) {
  const int64_t id = Add("a", "alpha");
  Add("b", "beta", std::nullopt, other_app_);
  // Give the application the other application's wrapped data key.
  const auto other_key = *store_.GetDataKey(other_app_);
  store_.ReplaceDataKeys({{app_, other_key}}, "master_key_check", keyring_.MakeCheck());
  EXPECT_THROW(Value(id), crypto::KeyringError);
}

TEST_F(SecretsTest, WrongMasterKeyDoesNotOpen) {
  const int64_t id = Add("a", "alpha");
  const crypto::Keyring other(crypto::MasterKey::Generate());
  const Secrets with_other_key(store_, other, clock_);
  EXPECT_THROW(with_other_key.Reveal(account_, app_, SecretRef{id, std::nullopt}),
               crypto::KeyringError);
}

TEST_F(SecretsTest, UpdateMovesModifiedOnlyOnRealChanges) {
  const int64_t id = Add("a", "alpha", "desc");
  const int64_t created = clock_.NowSeconds();
  clock_.Advance(60);
  secrets_.Update(account_, app_, SecretRef{id, std::nullopt},
                  SecretChanges{"a", SecureString("alpha"), "desc"});
  auto secret = secrets_.Reveal(account_, app_, SecretRef{id, std::nullopt}).first;
  EXPECT_EQ(secret.modified, created);
  secrets_.Update(account_, app_, SecretRef{id, std::nullopt},
                  SecretChanges{std::nullopt, std::nullopt, std::string()});
  secret = secrets_.Reveal(account_, app_, SecretRef{id, std::nullopt}).first;
  EXPECT_EQ(secret.modified, created + 60);
  EXPECT_FALSE(secret.description);  // empty clears
  EXPECT_EQ(Value(id), "alpha");
}

TEST_F(SecretsTest, RenameToTakenNameChangesNothing) {
  const int64_t a = Add("a", "alpha");
  Add("b", "beta");
  ExpectCode(ErrorCode::kNotUnique, "new_secret_name", [&] {
    secrets_.Update(account_, app_, SecretRef{a, std::nullopt},
                    SecretChanges{"b", SecureString("changed"), std::nullopt});
  });
  EXPECT_EQ(Value(a), "alpha");
}

TEST_F(SecretsTest, DeleteIsAllOrNothing) {
  const int64_t a = Add("a", "1");
  const int64_t b = Add("b", "2");
  ExpectCode(ErrorCode::kInvalidParameter, "secret_id", [&] { secrets_.Delete(app_, false, {a, 999}, {}); });
  ExpectCode(ErrorCode::kInvalidParameter, "secret_name", [&] { secrets_.Delete(app_, false, {a}, {"zz"}); });
  EXPECT_EQ(secrets_.List(account_, app_, "", 0, 20).total_count, 2);
  secrets_.Delete(app_, false, {a}, {"b", "a"});
  EXPECT_EQ(secrets_.List(account_, app_, "", 0, 20).total_count, 0);
  (void)b;
  Add("c", "3");
  secrets_.Delete(app_, true, {}, {});
  EXPECT_EQ(secrets_.List(account_, app_, "", 0, 20).total_count, 0);
  secrets_.Delete(app_, true, {}, {});  // `all` on an empty application succeeds
}

TEST_F(SecretsTest, NamePartIsLiteralAndCaseInsensitive) {
  Add("ab_cd", "1");
  Add("abXcd", "2");
  Add("OTHER", "3");
  EXPECT_EQ(secrets_.List(account_, app_, "b_c", 0, 20).total_count, 1);
  EXPECT_EQ(secrets_.List(account_, app_, "%", 0, 20).total_count, 0);
  EXPECT_EQ(secrets_.List(account_, app_, "other", 0, 20).total_count, 1);
  const auto page = secrets_.List(account_, app_, "", 1, 1);
  ASSERT_EQ(page.items.size(), 1u);
  EXPECT_EQ(page.items[0].name, "abXcd");
  EXPECT_EQ(page.total_count, 3);
}

TEST_F(SecretsTest, CallsOnADeletedApplicationSayItIsGone) {
  const int64_t id = Add("a", "alpha", std::nullopt, other_app_);
  store_.DeleteApplications(account_, {false, {other_app_}, {}});
  EXPECT_THROW(secrets_.List(account_, other_app_, "", 0, 20), store::ApplicationGone);
  EXPECT_THROW(secrets_.Reveal(account_, other_app_, SecretRef{id, std::nullopt}), store::ApplicationGone);
  EXPECT_THROW(Add("b", "beta", std::nullopt, other_app_), store::ApplicationGone);
  EXPECT_THROW(secrets_.Delete(other_app_, true, {}, {}), store::ApplicationGone);
  EXPECT_TRUE(secrets_.List(account_, app_, "", 0, 20).items.empty());
}

}  // namespace
}  // namespace coffer::service
