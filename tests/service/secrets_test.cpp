#include "service/secrets.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <string>
#include <type_traits>
#include <vector>

#include "store/open.hpp"
#include "support/fake_clock.hpp"
#include "support/store_outcomes.hpp"
#include "support/temp_dir.hpp"

namespace coffer::service {
namespace {

using common::SecureString;
using store::Outcome;

// A SecretStore that holds callers to the store's contract for write callbacks: it runs each
// callback twice (as a retried transaction would) and fails the test if the store is called
// while a callback runs.
class RetryingSecretStore final : public store::SecretStore {
 public:
  explicit RetryingSecretStore(store::SecretStore& inner) : inner_(inner) {}

  store::Result<std::string> GetDataKey(int64_t app) override {
    Check();
    return inner_.GetDataKey(app);
  }
  store::Result<std::string> EnsureDataKey(int64_t app, const std::string& wrapped) override {
    Check();
    return inner_.EnsureDataKey(app, wrapped);
  }
  std::vector<store::WrappedDataKey> ListDataKeys() override {
    Check();
    return inner_.ListDataKeys();
  }
  store::Result<int64_t> RotateDataKeys(const store::RewrapDataKey& rewrap, const std::string& name,
                                        const std::string& check) override {
    Check();
    return inner_.RotateDataKeys(
        [&](const auto& key) { return Twice([&] { return rewrap(key); }); }, name, check);
  }
  store::Result<store::SecretRecord> Add(int64_t app, const std::string& name, int64_t now,
                                         const store::SealNewSecret& seal) override {
    Check();
    return inner_.Add(app, name, now, [&](int64_t id) { return Twice([&] { return seal(id); }); });
  }
  store::Result<store::SecretRecord> Find(int64_t app, const store::SecretLookup& which) override {
    Check();
    return inner_.Find(app, which);
  }
  store::Result<store::SealedSecret> FindSealed(int64_t app,
                                                const store::SecretLookup& which) override {
    Check();
    return inner_.FindSealed(app, which);
  }
  store::Result<store::SecretPage> List(int64_t app, std::string_view part, int64_t offset,
                                        int64_t limit) override {
    Check();
    return inner_.List(app, part, offset, limit);
  }
  Outcome Revise(int64_t app, const store::SecretLookup& which,
                 const store::ReviseSecret& revise) override {
    Check();
    return inner_.Revise(app, which, [&](const store::SecretRecord& current) {
      return Twice([&] { return revise(current); });
    });
  }
  store::SelectionOutcome Delete(int64_t app, const store::SecretSelection& selection) override {
    Check();
    return inner_.Delete(app, selection);
  }

  int callbacks() const { return callbacks_; }

 private:
  void Check() const { EXPECT_FALSE(in_callback_) << "a write's callback called the store"; }
  template <typename F>
  std::invoke_result_t<F&> Twice(F&& callback) {
    in_callback_ = true;
    callback();
    auto result = callback();
    in_callback_ = false;
    ++callbacks_;
    return result;
  }

  store::SecretStore& inner_;
  std::atomic<bool> in_callback_ = false;
  std::atomic<int> callbacks_ = 0;
};

class SecretsTest : public ::testing::Test {
 protected:
  SecretsTest()
      : store_(store::Open({.sqlite_path = dir_.File("coffer.db")})),
        keyring_(crypto::MasterKey::Generate()),
        secrets_(store_->secrets(), keyring_, clock_) {
    store::ServiceKey key;
    key.key_id = "k";
    key.public_key_pem = "unused";
    account_ = store_->accounts().Create("dev", "dev@localhost", 1, key).value().id;
    app_ = Create("app");
    other_app_ = Create("other");
  }

  int64_t Create(const std::string& name) {
    return store_->applications().Create(account_, name, false, clock_.NowSeconds(), 0).value().id;
  }

  store::Result<int64_t> TryAdd(const std::string& name, const std::string& value,
                                std::optional<std::string> description = std::nullopt,
                                int64_t app = 0) {
    return secrets_.Add(account_, app ? app : app_, name, SecureString(value), description);
  }

  int64_t Add(const std::string& name, const std::string& value,
              std::optional<std::string> description = std::nullopt, int64_t app = 0) {
    return TryAdd(name, value, std::move(description), app).value();
  }

  RevealedSecret Reveal(const SecretRef& ref) const {
    return secrets_.Reveal(account_, app_, ref).value();
  }

  std::string Value(int64_t id) const {
    return std::string(Reveal(SecretRef{id, std::nullopt}).value.view());
  }

  SecretListPage List(const std::string& part, int64_t offset = 0, int64_t count = 20) const {
    return secrets_.List(account_, app_, part, offset, count).value();
  }

  testing_support::TempDir dir_;
  testing_support::FakeClock clock_;
  std::unique_ptr<store::Store> store_;
  crypto::Keyring keyring_;
  Secrets secrets_;
  int64_t account_ = 0, app_ = 0, other_app_ = 0;
};

TEST_F(SecretsTest, AddRevealAndListWithoutValues) {
  const int64_t id = Add("apiKey", "v1", "the key");
  EXPECT_EQ(Value(id), "v1");
  const auto by_name = Reveal(SecretRef{std::nullopt, "apiKey"});
  EXPECT_EQ(by_name.secret.id, id);
  EXPECT_EQ(by_name.secret.description, "the key");
  const auto page = List("");
  ASSERT_EQ(page.items.size(), 1u);
  EXPECT_EQ(page.total_count, 1);
  EXPECT_EQ(page.items[0].name, "apiKey");
}

TEST_F(SecretsTest, NamesAreUniquePerApplicationAndCaseSensitive) {
  Add("key", "a");
  Add("Key", "b");
  Add("key", "c", std::nullopt, other_app_);
  EXPECT_EQ(TryAdd("key", "d").outcome(), Outcome::kConflict);
}

TEST_F(SecretsTest, UnknownSecretsAreNotFound) {
  const int64_t id = Add("here", "v");
  EXPECT_EQ(secrets_.Locate(app_, SecretRef{id, std::nullopt}).value(), id);
  EXPECT_EQ(secrets_.Locate(app_, SecretRef{std::nullopt, "here"}).value(), id);
  EXPECT_EQ(secrets_.Locate(app_, SecretRef{99, std::nullopt}).outcome(), Outcome::kNotFound);
  EXPECT_EQ(secrets_.Locate(app_, SecretRef{std::nullopt, "nope"}).outcome(), Outcome::kNotFound);
  const int64_t elsewhere = Add("x", "y", std::nullopt, other_app_);
  EXPECT_EQ(secrets_.Locate(app_, SecretRef{elsewhere, std::nullopt}).outcome(),
            Outcome::kNotFound);
  EXPECT_EQ(secrets_.Reveal(account_, app_, SecretRef{elsewhere, std::nullopt}).outcome(),
            Outcome::kNotFound);
  EXPECT_EQ(secrets_.Update(account_, app_, SecretRef{std::nullopt, "x"}, SecretChanges{}),
            Outcome::kNotFound);
}

TEST_F(SecretsTest, ValueMovedToAnotherRowDoesNotOpen) {
  const int64_t a = Add("a", "alpha");
  const int64_t b = Add("b", "beta");
  const auto row_a = store_->secrets().Find(app_, {a, ""}).value();
  ASSERT_EQ(store_->secrets().Revise(app_, {b, ""},
                                     [&](store::SecretRecord row_b) {
                                       row_b.sealed_value = row_a.sealed_value;
                                       return std::optional(row_b);
                                     }),
            Outcome::kOk);
  EXPECT_EQ(Value(a), "alpha");
  EXPECT_THROW(Value(b), crypto::KeyringError);
}

TEST_F(SecretsTest, AnotherApplicationsDataKeyDoesNotOpen) {
  const int64_t id = Add("a", "alpha");
  Add("b", "beta", std::nullopt, other_app_);
  // Give the application the other application's wrapped data key.
  const auto other_key = store_->secrets().GetDataKey(other_app_).value();
  const auto rotated = store_->secrets().RotateDataKeys(
      [&](const store::WrappedDataKey& key) {
        return key.application_id == app_ ? other_key : key.wrapped;
      },
      "master_key_check", keyring_.MakeCheck());
  ASSERT_TRUE(rotated.ok());
  EXPECT_THROW(Value(id), crypto::KeyringError);
}

TEST_F(SecretsTest, WrongMasterKeyDoesNotOpen) {
  const int64_t id = Add("a", "alpha");
  const crypto::Keyring other(crypto::MasterKey::Generate());
  const Secrets with_other_key(store_->secrets(), other, clock_);
  EXPECT_THROW(with_other_key.Reveal(account_, app_, SecretRef{id, std::nullopt}),
               crypto::KeyringError);
}

TEST_F(SecretsTest, UpdateMovesModifiedOnlyOnRealChanges) {
  const int64_t id = Add("a", "alpha", "desc");
  const int64_t created = clock_.NowSeconds();
  clock_.Advance(60);
  EXPECT_EQ(secrets_.Update(account_, app_, SecretRef{id, std::nullopt},
                            SecretChanges{"a", SecureString("alpha"), "desc"}),
            Outcome::kOk);
  auto secret = Reveal(SecretRef{id, std::nullopt}).secret;
  EXPECT_EQ(secret.modified, created);
  EXPECT_EQ(secrets_.Update(account_, app_, SecretRef{id, std::nullopt},
                            SecretChanges{std::nullopt, std::nullopt, std::string()}),
            Outcome::kOk);
  secret = Reveal(SecretRef{id, std::nullopt}).secret;
  EXPECT_EQ(secret.modified, created + 60);
  EXPECT_FALSE(secret.description);  // empty clears
  EXPECT_EQ(Value(id), "alpha");
}

TEST_F(SecretsTest, WriteCallbacksArePureAndMayRunTwice) {
  RetryingSecretStore retrying(store_->secrets());
  Secrets secrets(retrying, keyring_, clock_);
  const int64_t id =
      secrets.Add(account_, app_, "a", SecureString("alpha"), std::string("first")).value();
  clock_.Advance(30);
  EXPECT_EQ(secrets.Update(account_, app_, SecretRef{id, std::nullopt},
                           SecretChanges{"b", SecureString("beta"), std::string("second")}),
            Outcome::kOk);
  EXPECT_EQ(secrets.Update(account_, app_, SecretRef{std::nullopt, "b"},
                           SecretChanges{"b", SecureString("beta"), std::string("second")}),
            Outcome::kOk);
  EXPECT_EQ(retrying.callbacks(), 3);
  const auto revealed = secrets.Reveal(account_, app_, SecretRef{id, std::nullopt}).value();
  EXPECT_EQ(revealed.secret.name, "b");
  EXPECT_EQ(revealed.value.view(), "beta");
  EXPECT_EQ(revealed.secret.description, "second");
  EXPECT_EQ(revealed.secret.modified, revealed.secret.created + 30)
      << "an update that changes nothing leaves modified alone";
}

TEST_F(SecretsTest, RenameToTakenNameChangesNothing) {
  const int64_t a = Add("a", "alpha");
  Add("b", "beta");
  EXPECT_EQ(secrets_.Update(account_, app_, SecretRef{a, std::nullopt},
                            SecretChanges{"b", SecureString("changed"), std::nullopt}),
            Outcome::kConflict);
  EXPECT_EQ(Value(a), "alpha");
}

TEST_F(SecretsTest, DeleteIsAllOrNothing) {
  const int64_t a = Add("a", "1");
  const int64_t b = Add("b", "2");
  EXPECT_EQ(secrets_.Delete(app_, false, {a, 999}, {}), store::kMissingId);
  EXPECT_EQ(secrets_.Delete(app_, false, {a}, {"zz"}), store::kMissingName);
  EXPECT_EQ(List("").total_count, 2);
  EXPECT_EQ(secrets_.Delete(app_, false, {a}, {"b", "a"}), store::kDeleted);
  EXPECT_EQ(List("").total_count, 0);
  (void)b;
  Add("c", "3");
  EXPECT_EQ(secrets_.Delete(app_, true, {}, {}), store::kDeleted);
  EXPECT_EQ(List("").total_count, 0);
  // `all` on an empty application succeeds
  EXPECT_EQ(secrets_.Delete(app_, true, {}, {}), store::kDeleted);
}

TEST_F(SecretsTest, NamePartIsLiteralAndCaseInsensitive) {
  Add("ab_cd", "1");
  Add("abXcd", "2");
  Add("OTHER", "3");
  EXPECT_EQ(List("b_c").total_count, 1);
  EXPECT_EQ(List("%").total_count, 0);
  EXPECT_EQ(List("other").total_count, 1);
  const auto page = List("", 1, 1);
  ASSERT_EQ(page.items.size(), 1u);
  EXPECT_EQ(page.items[0].name, "abXcd");
  EXPECT_EQ(page.total_count, 3);
}

TEST_F(SecretsTest, CallsOnADeletedApplicationSayItIsGone) {
  const int64_t id = Add("a", "alpha", std::nullopt, other_app_);
  ASSERT_EQ(store_->applications().Delete(account_, {false, {other_app_}, {}}), store::kDeleted);
  const SecretRef ref{id, std::nullopt};
  EXPECT_EQ(secrets_.List(account_, other_app_, "", 0, 20).outcome(), Outcome::kApplicationGone);
  EXPECT_EQ(secrets_.Reveal(account_, other_app_, ref).outcome(), Outcome::kApplicationGone);
  EXPECT_EQ(secrets_.Locate(other_app_, ref).outcome(), Outcome::kApplicationGone);
  EXPECT_EQ(TryAdd("b", "beta", std::nullopt, other_app_).outcome(), Outcome::kApplicationGone);
  EXPECT_EQ(secrets_.Update(account_, other_app_, ref, SecretChanges{"b", std::nullopt, {}}),
            Outcome::kApplicationGone);
  EXPECT_EQ(secrets_.Delete(other_app_, true, {}, {}).outcome, Outcome::kApplicationGone);
  EXPECT_TRUE(List("").items.empty());
}

}  // namespace
}  // namespace coffer::service
